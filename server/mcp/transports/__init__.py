"""HTTP transports: legacy HTTP+SSE (`/sse` + `/message`) and Streamable HTTP (`/mcp`)."""
