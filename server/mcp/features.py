"""Resources, prompts and completions: small registries behind the MCP list/read/get methods.

Chatlog Tray's own value is in its tools; these registries exist so that every standard method
answers properly (possibly with an empty list) and so that test fixtures can plug in.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from server.mcp import jsonrpc
from server.mcp.pagination import page
from server.mcp.tools.base import ToolContext

JsonObject = dict[str, Any]
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Resource:
    uri: str
    name: str
    read: Callable[[], Awaitable[list[JsonObject]]]
    description: str | None = None
    mime_type: str | None = None

    def describe(self) -> JsonObject:
        return _without_none(
            {
                "uri": self.uri,
                "name": self.name,
                "description": self.description,
                "mimeType": self.mime_type,
            }
        )


@dataclass(frozen=True, slots=True)
class ResourceTemplate:
    """A family of resources; `{name}` parts of the template match one path segment."""

    uri_template: str
    name: str
    read: Callable[[str, dict[str, str]], Awaitable[list[JsonObject]]]
    description: str | None = None
    mime_type: str | None = None
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.uri_template))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def describe(self) -> JsonObject:
        return _without_none(
            {
                "uriTemplate": self.uri_template,
                "name": self.name,
                "description": self.description,
                "mimeType": self.mime_type,
            }
        )


@dataclass(frozen=True, slots=True)
class PromptArgument:
    name: str
    description: str | None = None
    required: bool = False

    def describe(self) -> JsonObject:
        return _without_none(
            {"name": self.name, "description": self.description, "required": self.required}
        )


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    # Given the arguments and the request's context (a prompt may ask the client for input).
    render: Callable[[dict[str, str], ToolContext], Awaitable[list[JsonObject]]]
    description: str | None = None
    arguments: tuple[PromptArgument, ...] = ()
    # Completion values for an argument, given the partial value typed so far.
    complete: Callable[[str, str], list[str]] | None = None

    def describe(self) -> JsonObject:
        entry: JsonObject = {"name": self.name}
        if self.description:
            entry["description"] = self.description
        if self.arguments:
            entry["arguments"] = [argument.describe() for argument in self.arguments]
        return entry


class ResourceRegistry:
    """Fixed resources, templates, and (optionally) resources listed from the data: `listed`
    describes resources that one of the templates reads (e.g. one per recent chat)."""

    def __init__(
        self,
        resources: Iterable[Resource] = (),
        templates: Iterable[ResourceTemplate] = (),
        listed: Callable[[], Awaitable[list[JsonObject]]] | None = None,
    ) -> None:
        self.resources = {resource.uri: resource for resource in resources}
        self.templates = list(templates)
        self._listed = listed

    async def list_page(self, cursor: Any) -> JsonObject:
        described = [r.describe() for r in self.resources.values()]
        if self._listed is not None:
            described.extend(await self._listed())
        items, next_cursor = page(described, cursor, PAGE_SIZE)
        return _with_cursor({"resources": list(items)}, next_cursor)

    def list_templates_page(self, cursor: Any) -> JsonObject:
        items, next_cursor = page([t.describe() for t in self.templates], cursor, PAGE_SIZE)
        return _with_cursor({"resourceTemplates": list(items)}, next_cursor)

    async def read(self, uri: Any) -> JsonObject:
        if not isinstance(uri, str):
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "uri must be a string")
        resource = self.resources.get(uri)
        if resource is not None:
            return {"contents": await resource.read()}
        for template in self.templates:
            match = template.pattern.match(uri)
            if match:
                return {"contents": await template.read(uri, match.groupdict())}
        raise jsonrpc.JsonRpcError(
            jsonrpc.RESOURCE_NOT_FOUND, f"Resource not found: {uri}", {"uri": uri}
        )


class PromptRegistry:
    def __init__(self, prompts: Iterable[Prompt] = ()) -> None:
        self.prompts = {prompt.name: prompt for prompt in prompts}

    def list_page(self, cursor: Any) -> JsonObject:
        items, next_cursor = page([p.describe() for p in self.prompts.values()], cursor, PAGE_SIZE)
        return _with_cursor({"prompts": list(items)}, next_cursor)

    async def get(self, name: Any, arguments: Any, context: ToolContext) -> JsonObject:
        prompt = self.prompts.get(name) if isinstance(name, str) else None
        if prompt is None:
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, f"Unknown prompt: {name}")
        arguments = arguments or {}
        if not isinstance(arguments, dict) or not all(
            isinstance(value, str) for value in arguments.values()
        ):
            raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "arguments must map to strings")
        missing = [a.name for a in prompt.arguments if a.required and a.name not in arguments]
        if missing:
            raise jsonrpc.JsonRpcError(
                jsonrpc.INVALID_PARAMS, f"Missing required arguments: {', '.join(missing)}"
            )
        result: JsonObject = {"messages": await prompt.render(arguments, context)}
        if prompt.description:
            result["description"] = prompt.description
        return result

    def complete(self, name: str, argument: str, value: str) -> list[str]:
        prompt = self.prompts.get(name)
        if prompt is None or prompt.complete is None:
            return []
        return prompt.complete(argument, value)[:100]


def _with_cursor(result: JsonObject, next_cursor: str | None) -> JsonObject:
    if next_cursor is not None:
        result["nextCursor"] = next_cursor
    return result


def _without_none(entry: JsonObject) -> JsonObject:
    return {key: value for key, value in entry.items() if value is not None}
