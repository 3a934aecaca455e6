"""Multi-round-trip requests (2026-07-28): asking the client for input without a back channel.

The handshake era lets a tool send the client a request (sampling, elicitation, roots) and
wait for the answer on the same session. The 2026-07-28 revision has no sessions, so a tool
that needs input ends its request with an `InputRequiredResult`: the questions, keyed by names
the tool chooses, and a `requestState`. The client asks its user or model, then sends the same
request again with `inputResponses` and the `requestState`; the tool runs again from the start
and this time finds its answers.

`requestState` carries the answers of earlier rounds, so a tool that asks in several rounds
sees them all. It is sealed with an HMAC under a key that lives only in this process and is
bound to the method, the tool (or prompt or resource), the client's credential and a time, so
a client cannot forge answers into it, replay it for another tool, hand it to another client,
or keep it forever.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from server.mcp import jsonrpc

# The methods whose results may be `input_required` (SEP-2322).
INPUT_METHODS = frozenset({"tools/call", "prompts/get", "resources/read"})
# Which client capability each kind of input needs.
CAPABILITY_OF = {
    "sampling/createMessage": "sampling",
    "elicitation/create": "elicitation",
    "roots/list": "roots",
}
STATE_LIFETIME = 3600.0  # seconds a requestState stays valid

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class InputRequest:
    """One question for the client: a method it serves and its params."""

    method: str
    params: JsonObject

    def to_wire(self) -> JsonObject:
        return {"method": self.method, "params": self.params}


class InputRequiredError(Exception):
    """Raised by a tool (through its context) that needs these answers to go on."""

    def __init__(self, requests: dict[str, InputRequest]) -> None:
        super().__init__(f"input required: {', '.join(requests)}")
        self.requests = requests


def missing_capability(method: str, capabilities: JsonObject) -> str | None:
    """The capability the client must have declared to answer `method`, if it did not."""
    capability = CAPABILITY_OF.get(method)
    if capability is None or isinstance(capabilities.get(capability), dict):
        return None
    return capability


class RequestStateSeal:
    """Seals and opens `requestState` values; one per server process."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def seal(self, binding: str, answers: JsonObject) -> str:
        payload = jsonrpc.encode({"b": binding, "t": int(time.time()), "a": answers})
        body = base64.urlsafe_b64encode(payload).rstrip(b"=")
        return (body + b"." + self._mac(body)).decode("ascii")

    def open(self, binding: str, state: object) -> JsonObject:
        """The answers sealed in `state`; raises -32602 if it was not sealed here for this."""
        if not isinstance(state, str):
            raise _invalid_state("requestState must be a string")
        body, _, mac = state.encode("ascii", "replace").partition(b".")
        if not hmac.compare_digest(mac, self._mac(body)):
            raise _invalid_state("requestState failed its integrity check")
        try:
            payload = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
        except (binascii.Error, ValueError):
            raise _invalid_state("requestState is malformed") from None
        if payload.get("b") != binding:
            raise _invalid_state("requestState belongs to another request")
        if time.time() - payload.get("t", 0) > STATE_LIFETIME:
            raise _invalid_state("requestState has expired; send the request again without it")
        answers = payload.get("a")
        return answers if isinstance(answers, dict) else {}

    def _mac(self, body: bytes) -> bytes:
        digest = hmac.new(self._key, body, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=")


def binding_for(method: str, params: JsonObject, credential: bytes) -> str:
    """What a requestState is bound to: the method, its target and the client's credential."""
    target = params.get("name", params.get("uri"))
    arguments = params.get("arguments")
    material = json.dumps([method, target, arguments], sort_keys=True, default=str)
    digest = hashlib.sha256(material.encode() + credential)
    return digest.hexdigest()[:32]


def input_responses(params: JsonObject) -> JsonObject:
    """The `inputResponses` of a retried request, checked for shape (-32602 if wrong)."""
    if "inputResponses" not in params:
        return {}
    responses = params["inputResponses"]
    if not isinstance(responses, dict):
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "inputResponses must be an object")
    for key, value in responses.items():
        if not isinstance(value, dict):
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_PARAMS, f"inputResponses[{key!r}] must be an object (a result)"
            )
    return responses


def answers_question(method: str, answer: JsonObject) -> bool:
    """Whether `answer` is a result of the kind `method` asks for (else ask again)."""
    if method == "elicitation/create":
        return isinstance(answer.get("action"), str)
    if method == "sampling/createMessage":
        return isinstance(answer.get("content"), dict | list)
    if method == "roots/list":
        return isinstance(answer.get("roots"), list)
    return True


def input_required_result(requests: dict[str, InputRequest], state: str) -> JsonObject:
    return {
        "resultType": "input_required",
        "inputRequests": {key: request.to_wire() for key, request in requests.items()},
        "requestState": state,
    }


def _invalid_state(message: str) -> jsonrpc.JsonRpcError:
    return jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, message)
