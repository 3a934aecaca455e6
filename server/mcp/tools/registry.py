"""The tool registry: lists tools (paginated) and calls them with validated arguments."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from server.mcp import jsonrpc
from server.mcp.pagination import page
from server.mcp.tools.base import JsonObject, Tool, ToolContext, ToolError, ToolResult

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


def describe(tool: Tool) -> JsonObject:
    """The tool's `tools/list` entry, computed once."""
    schema = tool.input_schema_override or tool.arguments.model_json_schema()
    entry: JsonObject = {"name": tool.name, "description": tool.description, "inputSchema": schema}
    if tool.title:
        entry["title"] = tool.title
    if tool.output is not None:
        entry["outputSchema"] = tool.output.model_json_schema()
    if tool.annotations:
        entry["annotations"] = tool.annotations
    return entry


def validation_message(error: ValidationError) -> str:
    """A short, model-readable account of what was wrong with the arguments."""
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"{where}: {item['msg']}")
    return "Invalid arguments: " + "; ".join(problems)


class ToolRegistry:
    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        self._described: list[JsonObject] = []
        self._no_arguments: dict[str, BaseModel] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"tool {tool.name!r} is registered twice")
        self._tools[tool.name] = tool
        self._described.append(describe(tool))
        if not tool.arguments.model_fields:
            # Every call of a tool without parameters validates to the same empty model.
            self._no_arguments[tool.name] = tool.arguments()

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def list_page(self, cursor: Any) -> JsonObject:
        tools, next_cursor = page(self._described, cursor, PAGE_SIZE)
        result: JsonObject = {"tools": list(tools)}
        if next_cursor is not None:
            result["nextCursor"] = next_cursor
        return result

    async def call(self, name: Any, arguments: Any, context: ToolContext) -> JsonObject:
        """Run a tool. Unknown tools are protocol errors; everything the tool reports is a
        result with `isError`, so the model can read it and correct itself."""
        tool = self._tools.get(name) if isinstance(name, str) else None
        if tool is None:
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, f"Unknown tool: {name}")
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "arguments must be an object")
        parsed = self._no_arguments.get(name) if not arguments else None
        if parsed is None:
            try:
                parsed = tool.arguments.model_validate(arguments)
            except ValidationError as error:
                return _error_result(validation_message(error))
        try:
            output = await tool.handler(context, parsed)
        except ToolError as error:
            return _error_result(str(error))
        return _to_result(output)


def _error_result(message: str) -> JsonObject:
    return ToolResult(content=[{"type": "text", "text": message}], is_error=True).to_wire()


def _to_result(output: ToolResult | BaseModel | str) -> JsonObject:
    if isinstance(output, ToolResult):
        return output.to_wire()
    if isinstance(output, BaseModel):
        structured = output.model_dump(mode="json")
        return ToolResult.text(output.model_dump_json(), structured=structured).to_wire()
    return ToolResult.text(output).to_wire()
