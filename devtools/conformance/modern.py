"""The conformance suite's fixtures for the 2026-07-28 scenarios (input-required results,
subscriptions, capability and logging diagnostics), served only with --conformance-fixtures.

They follow the scenario descriptions of `@modelcontextprotocol/conformance` 0.2 (see
docs/dev/conformance.md). Each asks the client for input through `ToolContext.request_inputs`,
so the same fixture works in both eras: a request on the session in the handshake era, an
`InputRequiredResult` in 2026-07-28.
"""

from __future__ import annotations

import asyncio
from typing import Any

from devtools.conformance.fixtures import NoArguments, _tool
from server.mcp.features import Prompt
from server.mcp.mrtr import InputRequest
from server.mcp.subscriptions import SubscriptionHub
from server.mcp.tools.base import Tool, ToolContext, ToolResult

JsonObject = dict[str, Any]


def _elicit(message: str, field: str, kind: str = "string") -> InputRequest:
    schema = {"type": "object", "properties": {field: {"type": kind}}, "required": [field]}
    return InputRequest("elicitation/create", {"message": message, "requestedSchema": schema})


def _sample(text: str, max_tokens: int = 50) -> InputRequest:
    return InputRequest(
        "sampling/createMessage",
        {
            "messages": [{"role": "user", "content": {"type": "text", "text": text}}],
            "maxTokens": max_tokens,
        },
    )


ROOTS = InputRequest("roots/list", {})


def _field(answer: JsonObject, field: str) -> Any:
    content = answer.get("content")
    return content.get(field) if isinstance(content, dict) else None


def _sampled_text(answer: JsonObject) -> str:
    content = answer.get("content")
    return str(content.get("text", "")) if isinstance(content, dict) else ""


async def _elicitation(context: ToolContext, _a: NoArguments) -> ToolResult:
    answers = await context.request_inputs({"user_name": _elicit("What is your name?", "name")})
    return ToolResult.text(f"Hello, {_field(answers['user_name'], 'name')}!")


async def _sampling(context: ToolContext, _a: NoArguments) -> ToolResult:
    question = _sample("What is the capital of France?")
    answers = await context.request_inputs({"capital_question": question})
    return ToolResult.text(f"The model said: {_sampled_text(answers['capital_question'])}")


async def _list_roots(context: ToolContext, _a: NoArguments) -> ToolResult:
    answers = await context.request_inputs({"client_roots": ROOTS})
    roots = answers["client_roots"].get("roots")
    return ToolResult.text(
        f"The client has {len(roots) if isinstance(roots, list) else 0} root(s)."
    )


async def _confirmed(context: ToolContext, _a: NoArguments) -> ToolResult:
    answers = await context.request_inputs({"confirm": _elicit("Please confirm", "ok", "boolean")})
    # A requestState that came back was checked before the tool ran (server/mcp/mrtr.py).
    return ToolResult.text(f"state-ok: confirmed={_field(answers['confirm'], 'ok')}")


async def _multiple_inputs(context: ToolContext, _a: NoArguments) -> ToolResult:
    answers = await context.request_inputs(
        {
            "user_name": _elicit("What is your name?", "name"),
            "greeting": _sample("Generate a greeting"),
            "client_roots": ROOTS,
        }
    )
    name, greeting = _field(answers["user_name"], "name"), _sampled_text(answers["greeting"])
    return ToolResult.text(f"{greeting} {name}, with all three answers received.")


async def _multi_round(context: ToolContext, _a: NoArguments) -> ToolResult:
    first = await context.request_inputs({"step1": _elicit("Step 1: What is your name?", "name")})
    second = await context.request_inputs(
        {"step2": _elicit("Step 2: What is your favorite color?", "color")}
    )
    name, color = _field(first["step1"], "name"), _field(second["step2"], "color")
    return ToolResult.text(f"{name} likes {color}.")


async def _capabilities(context: ToolContext, _a: NoArguments) -> ToolResult:
    declared = context.client_capabilities
    wanted: dict[str, InputRequest] = {}
    if "elicitation" in declared:
        wanted["user_name"] = _elicit("What is your name?", "name")
    if "sampling" in declared:
        wanted["greeting"] = _sample("Generate a greeting")
    if not wanted:
        return ToolResult.text("The client declared neither elicitation nor sampling.")
    answers = await context.request_inputs(wanted)
    return ToolResult.text(f"Received {', '.join(sorted(answers))}.")


async def _missing_capability(context: ToolContext, _a: NoArguments) -> ToolResult:
    answer = await context.request_client("sampling/createMessage", _sample("Say hello", 20).params)
    return ToolResult.text(_sampled_text(answer))


async def _streaming_elicitation(context: ToolContext, _a: NoArguments) -> ToolResult:
    answers = await context.request_inputs({"details": _elicit("Any details?", "details")})
    return ToolResult.text(f"Details: {_field(answers['details'], 'details')}")


async def _logging(context: ToolContext, _a: NoArguments) -> ToolResult:
    for step in ("started", "working", "done"):
        await context.log("info", f"Logging tool {step}")
        await asyncio.sleep(0.01)
    return ToolResult.text("Logged three messages (if the request asked for them).")


def modern_conformance_tools(hub: SubscriptionHub) -> list[Tool]:
    async def trigger_tools(_c: ToolContext, _a: NoArguments) -> ToolResult:
        told = hub.list_changed("toolsListChanged")
        return ToolResult.text(f"Announced a tool list change to {told} stream(s).")

    async def trigger_prompts(_c: ToolContext, _a: NoArguments) -> ToolResult:
        told = hub.list_changed("promptsListChanged")
        return ToolResult.text(f"Announced a prompt list change to {told} stream(s).")

    prefix = "test_input_required_result_"
    return [
        _tool(prefix + "elicitation", "Asks for the user's name, then greets", _elicitation),
        _tool(prefix + "sampling", "Asks the client's model a question", _sampling),
        _tool(prefix + "list_roots", "Asks for the client's roots", _list_roots),
        _tool(prefix + "request_state", "Asks for a confirmation in a second round", _confirmed),
        _tool(prefix + "multiple_inputs", "Asks for three inputs at once", _multiple_inputs),
        _tool(prefix + "multi_round", "Asks for a name, then a colour", _multi_round),
        _tool(prefix + "tampered_state", "Asks for a confirmation (state is checked)", _confirmed),
        _tool(prefix + "capabilities", "Asks only for what the client declared", _capabilities),
        _tool("test_missing_capability", "Needs sampling; fails without it", _missing_capability),
        _tool("test_streaming_elicitation", "Asks for details", _streaming_elicitation),
        _tool("test_logging_tool", "Logs three messages", _logging),
        _tool("test_trigger_tool_change", "Announces a tool list change", trigger_tools),
        _tool("test_trigger_prompt_change", "Announces a prompt list change", trigger_prompts),
    ]


async def _prompt_needing_context(
    _arguments: dict[str, str], context: ToolContext
) -> list[JsonObject]:
    question = _elicit("What context should the prompt use?", "context")
    answers = await context.request_inputs({"user_context": question})
    text = f"Use this context: {_field(answers['user_context'], 'context')}"
    return [{"role": "user", "content": {"type": "text", "text": text}}]


MODERN_PROMPTS = [
    Prompt(
        "test_input_required_result_prompt",
        _prompt_needing_context,
        "A prompt that asks the user for context first",
    )
]
