"""Benchmarks: our MCP server against a peer built on the official `mcp` SDK and bare floors."""
