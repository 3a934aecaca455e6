"""Developer tools: the MCP conformance fixtures, the demo-data generator, the icon drawing and
the documentation screenshots.

Only tests, benches, CI and developers use them, so they are neither in the wheel
(pyproject.toml) nor in the bundle (installer/chatlog-tray.spec). They may import server/ and
desktop/; those never import devtools/, except the one optional hook behind
`--conformance-fixtures` (server/devhooks.py).
"""
