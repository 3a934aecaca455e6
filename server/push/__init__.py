"""Pushing new messages: the change feed and what subscribes to it (MCP resources, webhooks)."""
