"""MCP over HTTP: JSON-RPC framing, sessions, dispatch, tools and both HTTP transports."""
