"""JSON-RPC 2.0 framing: strict parsing, error codes and encoding. A leaf module.

Parsing is hand-written rather than done by pydantic models because it sits on the hot path
of every message and the rules are few and exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pydantic_core

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RESOURCE_NOT_FOUND = -32002
# Implementation-defined server errors (-32000..-32099).
SERVER_ERROR = -32000  # the work could not be done now: queue full, session or server ended
SERVER_BUSY = SERVER_ERROR
SESSION_NOT_FOUND = -32001
# Defined by MCP 2026-07-28.
HEADER_MISMATCH = -32020
MISSING_CLIENT_CAPABILITY = -32021
UNSUPPORTED_VERSION = -32022

RequestId = str | int
JsonObject = dict[str, Any]


class JsonRpcError(Exception):
    """An error answer for one request; raised anywhere below dispatch, sent by dispatch."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_wire(self) -> JsonObject:
        error: JsonObject = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


@dataclass(frozen=True, slots=True)
class Request:
    id: RequestId
    method: str
    params: JsonObject


@dataclass(frozen=True, slots=True)
class Notification:
    method: str
    params: JsonObject


@dataclass(frozen=True, slots=True)
class Response:
    """A client's answer to a request the server sent (sampling, elicitation, ping)."""

    id: RequestId
    result: JsonObject | None
    error: JsonObject | None


@dataclass(frozen=True, slots=True)
class Invalid:
    """A message that is JSON but not valid JSON-RPC; answered with -32600."""

    id: RequestId | None
    reason: str


Message = Request | Notification | Response | Invalid


def decode_json(body: bytes) -> Any:
    """Parse a body; raises JsonRpcError(-32700) on anything that is not JSON."""
    try:
        # Strict JSON: NaN and Infinity are JavaScript, not JSON, and the parser would
        # otherwise let them through (docs/architecture.md, Security).
        return pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError as exc:
        raise JsonRpcError(PARSE_ERROR, "Parse error: body is not valid JSON") from exc


def encode(message: JsonObject | list[JsonObject]) -> bytes:
    return pydantic_core.to_json(message)


def is_request_id(value: Any) -> bool:
    # bool is an int subclass in Python but never a valid JSON-RPC id.
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def parse_message(obj: Any) -> Message:
    """Classify one decoded JSON value as a request, notification, response or invalid."""
    if not isinstance(obj, dict):
        return Invalid(None, "message must be a JSON object")
    raw_id = obj.get("id")
    msg_id = raw_id if is_request_id(raw_id) else None
    if obj.get("jsonrpc") != "2.0":
        return Invalid(msg_id, 'jsonrpc must be "2.0"')
    if "method" in obj:
        method = obj["method"]
        if not isinstance(method, str) or not method:
            return Invalid(msg_id, "method must be a non-empty string")
        params = obj.get("params", {})
        if params is None:
            params = {}
        if not isinstance(params, dict):
            return Invalid(msg_id, "params must be an object")
        if "id" not in obj:
            return Notification(method, params)
        if msg_id is None:
            return Invalid(None, "id must be a string or an integer")
        return Request(msg_id, method, params)
    if "result" in obj or "error" in obj:
        if msg_id is None or ("result" in obj) == ("error" in obj):
            return Invalid(msg_id, "a response needs an id and exactly one of result or error")
        result, error = obj.get("result"), obj.get("error")
        if (result is not None and not isinstance(result, dict)) or (
            error is not None and not isinstance(error, dict)
        ):
            return Invalid(msg_id, "result and error must be objects")
        return Response(msg_id, result, error)
    return Invalid(msg_id, "not a request, notification or response")


def result_message(request_id: RequestId, result: JsonObject) -> JsonObject:
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


def error_message(request_id: RequestId | None, error: JsonRpcError) -> JsonObject:
    return {"jsonrpc": "2.0", "id": request_id, "error": error.to_wire()}


def notification_message(method: str, params: JsonObject | None = None) -> JsonObject:
    message: JsonObject = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    return message


def request_message(request_id: RequestId, method: str, params: JsonObject) -> JsonObject:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
