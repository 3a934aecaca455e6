"""The Quart application: the MCP client list (`/api/v1/mcp/...`) and the chat data API."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Quart, jsonify, request

from server.asgi import TOKEN_SCOPE_KEY
from server.mcp.clients import ClientRegistry, Era
from server.security import SERVER_TOKEN_NAME
from server.web.file_body import ClosingResponse


def create_web_app(
    registry: ClientRegistry,
    blueprints: list[Blueprint],
    max_body_bytes: int,
    body_timeout: float,
) -> Quart:
    """The API app. Disconnecting a client through it needs the server token (`--token`):
    otherwise any program on this computer, or any connected app with its own token, could
    end another's session, so only the desktop window can."""
    app = Quart("chatlog_tray")
    app.response_class = ClosingResponse  # files sent are closed even for a request gone
    app.config.update(
        MAX_CONTENT_LENGTH=max_body_bytes,
        BODY_TIMEOUT=body_timeout,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable

    @app.get("/api/v1/mcp/clients")
    async def mcp_clients() -> Any:
        clients = [info.to_json() for info in registry.snapshot()]
        active = sum(client["state"] == "active" for client in clients)
        return jsonify({"count": len(clients), "active": active, "clients": clients})

    @app.get("/api/v1/mcp/sessions")
    async def mcp_sessions() -> Any:
        # The handshake-era view, kept for the scripts written against it.
        sessions = [info.to_json() for info in registry.snapshot() if info.era == Era.HANDSHAKE]
        return jsonify({"count": len(sessions), "sessions": sessions})

    async def disconnect(handle: str) -> Any:
        if request.scope.get(TOKEN_SCOPE_KEY) != SERVER_TOKEN_NAME:
            message = (
                "disconnecting a client needs the desktop window, or a server token "
                "(--token) presented by the caller"
            )
            return jsonify({"error": {"code": 403, "message": message}}), 403
        client = registry.by_handle(handle)
        if client is not None and registry.close(client, "disconnected through the API"):
            return "", 204
        return jsonify({"error": {"code": 404, "message": "no such client"}}), 404

    app.add_url_rule(
        "/api/v1/mcp/clients/<handle>", "disconnect_client", disconnect, methods=["DELETE"]
    )
    app.add_url_rule(
        "/api/v1/mcp/sessions/<handle>", "disconnect_session", disconnect, methods=["DELETE"]
    )

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
