"""The Quart application: `/api/v1/mcp/sessions` and the chat data API."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Quart, jsonify

from server.mcp.sessions import SessionRegistry


def create_web_app(
    registry: SessionRegistry,
    blueprints: list[Blueprint],
    max_body_bytes: int,
    body_timeout: float,
) -> Quart:
    app = Quart("chatlog_tray")
    app.config.update(
        MAX_CONTENT_LENGTH=max_body_bytes,
        BODY_TIMEOUT=body_timeout,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable

    @app.get("/api/v1/mcp/sessions")
    async def mcp_sessions() -> Any:
        sessions = [info.to_json() for info in registry.snapshot()]
        return jsonify({"count": len(sessions), "sessions": sessions})

    @app.delete("/api/v1/mcp/sessions/<session_id>")
    async def disconnect_mcp_session(session_id: str) -> Any:
        if registry.close(session_id, "disconnected through the API"):
            return "", 204
        return jsonify({"error": {"code": 404, "message": "no such session"}}), 404

    @app.errorhandler(404)
    async def not_found(_error: Exception) -> Any:
        return jsonify({"error": {"code": 404, "message": "no such route"}}), 404

    @app.errorhandler(405)
    async def method_not_allowed(_error: Exception) -> Any:
        return jsonify({"error": {"code": 405, "message": "method not allowed"}}), 405

    @app.errorhandler(500)
    async def internal_error(_error: Exception) -> Any:
        # Quart has already logged the exception with its traceback; the client learns only
        # that it failed (the same as MCP's -32603 "Internal error").
        return jsonify({"error": {"code": "internal_error", "message": "Internal error"}}), 500

    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
