"""What a tool is: a name, a description, a pydantic argument model and an async handler.

A tool module builds `Tool` objects; the registry lists and calls them. Handlers receive a
`ToolContext` for talking back to the client while they run (progress, logs, client requests)
and raise `ToolError` for failures the model should read (they become `isError` results).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from server.mcp.mrtr import InputRequest

JsonObject = dict[str, Any]


class ToolError(Exception):
    """A failure to report to the model as a tool result with `isError: true`."""


class ToolContext(Protocol):
    """What a running tool may do besides returning its result."""

    @property
    def client_capabilities(self) -> JsonObject:
        """The capabilities the client declared (in `initialize`, or in this request's
        `_meta` in 2026-07-28), e.g. sampling."""
        ...

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        """Send `notifications/progress` if the caller asked for it (else do nothing)."""

    async def log(self, level: str, data: Any, logger: str | None = None) -> None:
        """Send `notifications/message` if the session's log level lets it through."""

    async def request_client(self, method: str, params: JsonObject) -> JsonObject:
        """Ask the client one thing (sampling, elicitation, roots) and await its answer."""

    async def request_inputs(self, requests: dict[str, InputRequest]) -> dict[str, JsonObject]:
        """Ask the client several things at once; their answers by the keys given.

        In the handshake era the questions go to the client as requests on its session. In
        2026-07-28 the tool's request ends with an `InputRequiredResult` and the tool runs
        again when the client retries with the answers, so a tool must not act before it
        has every answer it needs (see server/mcp/mrtr.py).
        """


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool's answer: MCP content blocks, optional structured content, error flag."""

    content: list[JsonObject]
    structured: JsonObject | None = None
    is_error: bool = False

    @classmethod
    def text(cls, text: str, structured: JsonObject | None = None) -> ToolResult:
        return cls(content=[{"type": "text", "text": text}], structured=structured)

    def to_wire(self) -> JsonObject:
        result: JsonObject = {"content": self.content}
        if self.structured is not None:
            result["structuredContent"] = self.structured
        if self.is_error:
            result["isError"] = True
        return result


# A handler returns a ToolResult, or a pydantic model (sent as structured content plus its
# JSON text), or a plain string.
ToolOutput = ToolResult | BaseModel | str
ToolHandler = Callable[[ToolContext, Any], Awaitable[ToolOutput]]


@dataclass(frozen=True, slots=True)
class Tool:
    """One tool. `arguments` validates the call; `output` (optional) declares `outputSchema`."""

    name: str
    description: str
    arguments: type[BaseModel]
    handler: ToolHandler
    title: str | None = None
    output: type[BaseModel] | None = None
    annotations: JsonObject = field(
        default_factory=lambda: {
            "readOnlyHint": True,
            "destructiveHint": False,
            "idempotentHint": True,
            "openWorldHint": False,
        }
    )
    # A tool given this schema keeps it verbatim (used where the exact JSON Schema matters).
    input_schema_override: JsonObject | None = None
