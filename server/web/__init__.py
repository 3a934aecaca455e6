"""The Quart side of the server: health, the HTTP API and everything off the MCP hot path."""
