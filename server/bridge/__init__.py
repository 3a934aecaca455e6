"""`chatlog-tray stdio`: MCP over stdin/stdout, relayed to the running app's `/mcp`.

Clients that only start local servers (Claude Desktop) run this instead of a third-party
bridge. `stdio` frames messages on the pipes, `headers` derives the 2026-07-28 request
headers, `sse` reads event streams, `relay` carries each message to the server in its era,
`discovery` finds (or starts) the app, and `command` ties them together. Qt-free.
"""
