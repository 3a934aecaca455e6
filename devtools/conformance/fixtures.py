"""The fixtures of the official MCP conformance suite, served only with --conformance-fixtures.

They follow the scenario descriptions of `@modelcontextprotocol/conformance` (see
docs/dev/conformance.md) so that CI can prove every protocol feature end to end. They never
appear in a normal run.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from server.mcp.features import (
    Prompt,
    PromptArgument,
    PromptRegistry,
    Resource,
    ResourceRegistry,
    ResourceTemplate,
)
from server.mcp.tools.base import Tool, ToolContext, ToolError, ToolResult

PNG_1X1 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5E"
    "rkJggg=="
)
WAV_EMPTY = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="
STEP_DELAY = 0.05

JsonObject = dict[str, Any]


class NoArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SamplingArguments(BaseModel):
    prompt: str


class ElicitationArguments(BaseModel):
    message: str


def _tool(
    name: str,
    description: str,
    handler: Any,
    arguments: type[BaseModel] = NoArguments,
    **extra: Any,
) -> Tool:
    return Tool(
        name=name,
        description=description,
        arguments=arguments,
        handler=handler,
        annotations={},
        **extra,
    )


async def _simple_text(_c: ToolContext, _a: NoArguments) -> ToolResult:
    return ToolResult.text("This is a simple text response for testing.")


async def _image(_c: ToolContext, _a: NoArguments) -> ToolResult:
    return ToolResult([{"type": "image", "data": PNG_1X1, "mimeType": "image/png"}])


async def _audio(_c: ToolContext, _a: NoArguments) -> ToolResult:
    return ToolResult([{"type": "audio", "data": WAV_EMPTY, "mimeType": "audio/wav"}])


async def _embedded_resource(_c: ToolContext, _a: NoArguments) -> ToolResult:
    resource = {
        "uri": "test://embedded-resource",
        "mimeType": "text/plain",
        "text": "This is an embedded resource content.",
    }
    return ToolResult([{"type": "resource", "resource": resource}])


async def _mixed(_c: ToolContext, _a: NoArguments) -> ToolResult:
    return ToolResult(
        [
            {"type": "text", "text": "Multiple content types test:"},
            {"type": "image", "data": PNG_1X1, "mimeType": "image/png"},
            {
                "type": "resource",
                "resource": {
                    "uri": "test://mixed-content-resource",
                    "mimeType": "application/json",
                    "text": '{"test":"data","value":123}',
                },
            },
        ]
    )


async def _with_logging(context: ToolContext, _a: NoArguments) -> ToolResult:
    await context.log("info", "Tool execution started")
    await asyncio.sleep(STEP_DELAY)
    await context.log("info", "Tool processing data")
    await asyncio.sleep(STEP_DELAY)
    await context.log("info", "Tool execution completed")
    return ToolResult.text("Tool with logging executed successfully")


async def _error(_c: ToolContext, _a: NoArguments) -> ToolResult:
    raise ToolError("This tool intentionally returns an error for testing")


async def _progress(context: ToolContext, _a: NoArguments) -> ToolResult:
    for step, value in enumerate((0, 50, 100)):
        if step:
            await asyncio.sleep(STEP_DELAY)
        await context.report_progress(value, 100)
    return ToolResult.text("Tool with progress executed successfully")


async def _sampling(context: ToolContext, arguments: SamplingArguments) -> ToolResult:
    _require_capability(context, "sampling")
    result = await context.request_client(
        "sampling/createMessage",
        {
            "messages": [{"role": "user", "content": {"type": "text", "text": arguments.prompt}}],
            "maxTokens": 100,
        },
    )
    content = result.get("content")
    text = content.get("text", "") if isinstance(content, dict) else ""
    return ToolResult.text(f"LLM response: {text}")


async def _elicitation(context: ToolContext, arguments: ElicitationArguments) -> ToolResult:
    _require_capability(context, "elicitation")
    result = await context.request_client(
        "elicitation/create",
        {
            "message": arguments.message,
            "requestedSchema": {
                "type": "object",
                "properties": {
                    "username": {"type": "string", "description": "User's response"},
                    "email": {"type": "string", "description": "User's email address"},
                },
                "required": ["username", "email"],
            },
        },
    )
    return ToolResult.text(f"User response: {_elicited(result)}")


async def _elicitation_defaults(context: ToolContext, _a: NoArguments) -> ToolResult:
    _require_capability(context, "elicitation")
    result = await context.request_client(
        "elicitation/create",
        {
            "message": "Please review and update the form fields with defaults",
            "requestedSchema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "User name", "default": "John Doe"},
                    "age": {"type": "integer", "description": "User age", "default": 30},
                    "score": {"type": "number", "description": "User score", "default": 95.5},
                    "status": {
                        "type": "string",
                        "description": "User status",
                        "enum": ["active", "inactive", "pending"],
                        "default": "active",
                    },
                    "verified": {
                        "type": "boolean",
                        "description": "Verification status",
                        "default": True,
                    },
                },
            },
        },
    )
    return ToolResult.text(f"Elicitation completed: {_elicited(result)}")


async def _elicitation_enums(context: ToolContext, _a: NoArguments) -> ToolResult:
    _require_capability(context, "elicitation")
    titled = [
        {"const": "value1", "title": "First Option"},
        {"const": "value2", "title": "Second Option"},
        {"const": "value3", "title": "Third Option"},
    ]
    result = await context.request_client(
        "elicitation/create",
        {
            "message": "Please select options from the enum fields",
            "requestedSchema": {
                "type": "object",
                "properties": {
                    "untitledSingle": {
                        "type": "string",
                        "description": "Select one option",
                        "enum": ["option1", "option2", "option3"],
                    },
                    "titledSingle": {
                        "type": "string",
                        "description": "Select one option with titles",
                        "oneOf": titled,
                    },
                    "legacyEnum": {
                        "type": "string",
                        "description": "Select one option (legacy)",
                        "enum": ["opt1", "opt2", "opt3"],
                        "enumNames": ["Option One", "Option Two", "Option Three"],
                    },
                    "untitledMulti": {
                        "type": "array",
                        "description": "Select multiple options",
                        "items": {"type": "string", "enum": ["option1", "option2", "option3"]},
                    },
                    "titledMulti": {
                        "type": "array",
                        "description": "Select multiple options with titles",
                        "items": {
                            "anyOf": [
                                {"const": "value1", "title": "First Choice"},
                                {"const": "value2", "title": "Second Choice"},
                                {"const": "value3", "title": "Third Choice"},
                            ]
                        },
                    },
                },
            },
        },
    )
    return ToolResult.text(f"Elicitation completed: {_elicited(result)}")


async def _json_schema_tool(_c: ToolContext, _a: BaseModel) -> ToolResult:
    return ToolResult.text("JSON Schema 2020-12 tool executed")


class _AnyArguments(BaseModel):
    model_config = ConfigDict(extra="allow")


JSON_SCHEMA_2020_12 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
    "additionalProperties": False,
}


def _require_capability(context: ToolContext, capability: str) -> None:
    if capability not in context.client_capabilities:
        raise ToolError(f"The client does not support {capability}")


def _elicited(result: JsonObject) -> str:
    action = result.get("action", "unknown")
    content = json.dumps(result.get("content", {}), ensure_ascii=False)
    return f"action={action}, content={content}"


def conformance_tools() -> list[Tool]:
    return [
        _tool("test_simple_text", "Returns a simple text response", _simple_text),
        _tool("test_image_content", "Returns a 1x1 PNG image", _image),
        _tool("test_audio_content", "Returns a short WAV audio clip", _audio),
        _tool("test_embedded_resource", "Returns an embedded text resource", _embedded_resource),
        _tool("test_multiple_content_types", "Returns text, image and resource content", _mixed),
        _tool("test_tool_with_logging", "Sends three log messages while it runs", _with_logging),
        _tool("test_error_handling", "Always fails with a tool error", _error),
        _tool("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100", _progress),
        _tool(
            "test_sampling",
            "Asks the client's model to answer a prompt",
            _sampling,
            SamplingArguments,
        ),
        _tool(
            "test_elicitation",
            "Asks the user for a username and email",
            _elicitation,
            ElicitationArguments,
        ),
        _tool(
            "test_elicitation_sep1034_defaults",
            "Elicitation with default values",
            _elicitation_defaults,
        ),
        _tool(
            "test_elicitation_sep1330_enums", "Elicitation with every enum form", _elicitation_enums
        ),
        _tool(
            "json_schema_2020_12_tool",
            "Tool with JSON Schema 2020-12 features",
            _json_schema_tool,
            _AnyArguments,
            input_schema_override=JSON_SCHEMA_2020_12,
        ),
    ]


def _text_contents(uri: str, mime_type: str, text: str) -> list[JsonObject]:
    return [{"uri": uri, "mimeType": mime_type, "text": text}]


async def _static_text() -> list[JsonObject]:
    return _text_contents(
        "test://static-text", "text/plain", "This is the content of the static text resource."
    )


async def _static_binary() -> list[JsonObject]:
    return [{"uri": "test://static-binary", "mimeType": "image/png", "blob": PNG_1X1}]


async def _watched() -> list[JsonObject]:
    return _text_contents("test://watched-resource", "text/plain", "Watched resource content")


async def _template(uri: str, parts: dict[str, str]) -> list[JsonObject]:
    item = parts["id"]
    data = json.dumps({"id": item, "templateTest": True, "data": f"Data for ID: {item}"})
    return _text_contents(uri, "application/json", data)


def conformance_resources() -> ResourceRegistry:
    return ResourceRegistry(
        [
            Resource(
                "test://static-text",
                "Static text",
                _static_text,
                "A static text resource for testing",
                "text/plain",
            ),
            Resource(
                "test://static-binary",
                "Static binary",
                _static_binary,
                "A static PNG image for testing",
                "image/png",
            ),
            Resource(
                "test://watched-resource",
                "Watched resource",
                _watched,
                "A resource clients can subscribe to",
                "text/plain",
            ),
        ],
        [
            ResourceTemplate(
                "test://template/{id}/data",
                "Template data",
                _template,
                "Data for any id",
                "application/json",
            ),
        ],
    )


def _user(content: JsonObject) -> JsonObject:
    return {"role": "user", "content": content}


async def _simple_prompt(_arguments: dict[str, str], _c: ToolContext) -> list[JsonObject]:
    return [_user({"type": "text", "text": "This is a simple prompt for testing."})]


async def _prompt_with_arguments(arguments: dict[str, str], _c: ToolContext) -> list[JsonObject]:
    text = f"Prompt with arguments: arg1='{arguments['arg1']}', arg2='{arguments['arg2']}'"
    return [_user({"type": "text", "text": text})]


async def _prompt_with_resource(arguments: dict[str, str], _c: ToolContext) -> list[JsonObject]:
    resource = {
        "uri": arguments["resourceUri"],
        "mimeType": "text/plain",
        "text": "Embedded resource content for testing.",
    }
    return [
        _user({"type": "resource", "resource": resource}),
        _user({"type": "text", "text": "Please process the embedded resource above."}),
    ]


async def _prompt_with_image(_arguments: dict[str, str], _c: ToolContext) -> list[JsonObject]:
    return [
        _user({"type": "image", "data": PNG_1X1, "mimeType": "image/png"}),
        _user({"type": "text", "text": "Please analyze the image above."}),
    ]


def _complete_argument(argument: str, value: str) -> list[str]:
    candidates = {"arg1": ["test", "testValue1", "hello"], "arg2": ["testValue2", "world"]}
    return [c for c in candidates.get(argument, []) if c.startswith(value)]


def conformance_prompts(extra: list[Prompt] | None = None) -> PromptRegistry:
    return PromptRegistry(
        [
            *(extra or []),
            Prompt("test_simple_prompt", _simple_prompt, "A simple prompt without arguments"),
            Prompt(
                "test_prompt_with_arguments",
                _prompt_with_arguments,
                "A prompt with two required arguments",
                (
                    PromptArgument("arg1", "First test argument", True),
                    PromptArgument("arg2", "Second test argument", True),
                ),
                complete=_complete_argument,
            ),
            Prompt(
                "test_prompt_with_embedded_resource",
                _prompt_with_resource,
                "A prompt that embeds a resource",
                (PromptArgument("resourceUri", "URI of the resource to embed", True),),
            ),
            Prompt("test_prompt_with_image", _prompt_with_image, "A prompt with an image"),
        ]
    )
