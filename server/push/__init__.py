"""New messages, pushed: the change feed and what it feeds (webhooks)."""
