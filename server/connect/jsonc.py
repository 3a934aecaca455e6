"""Read JSON or JSONC (comments, trailing commas) and edit one member without touching the rest.

AI clients keep their MCP servers in files the user also edits by hand; VS Code's `mcp.json`
is JSONC. Loading such a file and dumping it again would drop the user's comments and
reformat everything, so this module parses with positions and changes only the text of the
one member we own (`set_member`, `remove_member`): every other byte stays as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

DEFAULT_INDENT = "  "


class JsoncError(ValueError):
    """The text is not valid JSON (or JSONC, where allowed); the message says where."""


@dataclass
class Node:
    """A parsed value and where its text is: `text[start:end]`."""

    start: int
    end: int
    value: Any = None
    members: list[Member] = field(default_factory=list)  # objects only, in text order
    is_object: bool = False


@dataclass
class Member:
    """`"key": value` in an object; `comma` is the position of the comma after it, if any."""

    key: str
    key_start: int
    value: Node
    comma: int | None = None


class _Parser:
    def __init__(self, text: str, allow_comments: bool) -> None:
        self.text = text
        self.allow_comments = allow_comments
        self.pos = 0

    def fail(self, what: str, at: int | None = None) -> JsoncError:
        at = self.pos if at is None else at
        line = self.text.count("\n", 0, at) + 1
        column = at - (self.text.rfind("\n", 0, at) + 1) + 1
        return JsoncError(f"{what} at line {line}, column {column}")

    def skip(self) -> None:
        """Skip white space and, in JSONC, comments."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r\n":
                self.pos += 1
            elif char == "/" and text.startswith(("//", "/*"), self.pos):
                if not self.allow_comments:
                    raise self.fail("a comment, which plain JSON does not allow")
                if text.startswith("//", self.pos):
                    newline = text.find("\n", self.pos)
                    self.pos = len(text) if newline < 0 else newline
                else:
                    close = text.find("*/", self.pos + 2)
                    if close < 0:
                        raise self.fail("an unclosed /* comment")
                    self.pos = close + 2
            else:
                return

    def document(self) -> Node:
        if self.text.startswith("\ufeff"):
            self.pos = 1
        self.skip()
        node = self.value()
        self.skip()
        if self.pos != len(self.text):
            raise self.fail("unexpected text after the end")
        return node

    def value(self) -> Node:
        if self.pos >= len(self.text):
            raise self.fail("unexpected end of the file")
        char = self.text[self.pos]
        if char == "{":
            return self.object()
        if char == "[":
            return self.array()
        if char == '"':
            start = self.pos
            value = self.string()
            return Node(start, self.pos, value)
        return self.scalar()

    def string(self) -> str:
        start = self.pos
        index = start + 1
        text = self.text
        while index < len(text):
            char = text[index]
            if char == "\\":
                index += 2
            elif char == '"':
                self.pos = index + 1
                try:
                    decoded = json.loads(text[start : self.pos])
                except ValueError:
                    raise self.fail("a bad string", start) from None
                return str(decoded)
            elif char == "\n":
                break
            else:
                index += 1
        raise self.fail("an unclosed string", start)

    def scalar(self) -> Node:
        start = self.pos
        text = self.text
        end = start
        while end < len(text) and text[end] not in " \t\r\n,]}/:":
            end += 1
        token = text[start:end]
        try:
            value = json.loads(token) if token else None
        except ValueError:
            value = None
        if not token or isinstance(value, (dict, list, str)) or (value is None and token != "null"):
            # The text itself is not quoted: a broken file may hold a secret.
            raise self.fail("an unexpected value" if token else "a missing value", start)
        self.pos = end
        return Node(start, end, value)

    def separator(self, closing: str) -> tuple[int | None, bool]:
        """After an item: (the comma's position, whether the container closes next)."""
        self.skip()
        if self.pos < len(self.text) and self.text[self.pos] == ",":
            comma = self.pos
            self.pos += 1
            self.skip()
            if self.pos < len(self.text) and self.text[self.pos] == closing:
                if not self.allow_comments:
                    raise self.fail("a trailing comma, which plain JSON does not allow", comma)
                return comma, True
            return comma, False
        if self.pos < len(self.text) and self.text[self.pos] == closing:
            return None, True
        raise self.fail(f"expected ',' or '{closing}'")

    def object(self) -> Node:
        node = Node(self.pos, self.pos, {}, is_object=True)
        self.pos += 1
        self.skip()
        closed = self.pos < len(self.text) and self.text[self.pos] == "}"
        while not closed:
            if self.pos >= len(self.text) or self.text[self.pos] != '"':
                raise self.fail("expected a member name in double quotes")
            key_start = self.pos
            key = self.string()
            self.skip()
            if self.pos >= len(self.text) or self.text[self.pos] != ":":
                raise self.fail("expected ':'")
            self.pos += 1
            self.skip()
            value = self.value()
            member = Member(key, key_start, value)
            node.members.append(member)
            node.value[key] = value.value
            member.comma, closed = self.separator("}")
        self.pos += 1
        node.end = self.pos
        return node

    def array(self) -> Node:
        node = Node(self.pos, self.pos, [])
        self.pos += 1
        self.skip()
        closed = self.pos < len(self.text) and self.text[self.pos] == "]"
        while not closed:
            item = self.value()
            node.value.append(item.value)
            _, closed = self.separator("]")
        self.pos += 1
        node.end = self.pos
        return node


def parse(text: str, *, allow_comments: bool = True) -> Node:
    """The document's tree with positions. An empty (or blank) text is an empty object."""
    if not text.strip(" \t\r\n\ufeff"):
        return Node(0, 0, {}, is_object=True)
    return _Parser(text, allow_comments).document()


def loads(text: str, *, allow_comments: bool = True) -> Any:
    return parse(text, allow_comments=allow_comments).value


# --- editing ------------------------------------------------------------------------------


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _indent_at(text: str, pos: int) -> str:
    """The white space that starts the line holding `pos`."""
    start = _line_start(text, pos)
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def _end_of_line_comment(text: str, pos: int) -> int:
    """`pos`, or the end of its line when only white space and comments follow on it."""
    index = pos
    while index < len(text) and text[index] in " \t":
        index += 1
    if text.startswith("//", index):
        newline = text.find("\n", index)
        return len(text) if newline < 0 else newline
    if text.startswith("/*", index):
        close = text.find("*/", index)
        if close >= 0 and "\n" not in text[index:close]:
            return _end_of_line_comment(text, close + 2)
    return pos


def _newline(text: str) -> str:
    """The file's line ending: Windows editors may keep CRLF."""
    return "\r\n" if "\r\n" in text else "\n"


def _dump(value: Any, indent: str, unit: str, newline: str = "\n") -> str:
    """`value` as JSON text laid out to sit at `indent`."""
    text = json.dumps(value, indent=unit, ensure_ascii=False)
    return text.replace("\n", newline + indent)


def _unit(text: str, root: Node) -> str:
    """The file's indentation step, guessed from the root's first member (two spaces if none)."""
    if root.members:
        indent = _indent_at(text, root.members[0].key_start)
        root_indent = _indent_at(text, root.start)
        if _line_start(text, root.members[0].key_start) != _line_start(text, root.start):
            step = indent[len(root_indent) :] if indent.startswith(root_indent) else indent
            if step:
                return step
    return DEFAULT_INDENT


def _insert_member(text: str, obj: Node, key: str, value: Any, unit: str) -> str:
    """`text` with `"key": value` added as the last member of `obj`."""
    closing_indent = _indent_at(text, obj.end - 1)
    nl = _newline(text)
    if obj.members:
        last = obj.members[-1]
        indent = _indent_at(text, last.key_start)
        if _line_start(text, last.key_start) == _line_start(text, obj.start):
            indent = closing_indent + unit  # a one-line object: put ours on a line of its own
        name = json.dumps(key, ensure_ascii=False)
        member = f"{nl}{indent}{name}: {_dump(value, indent, unit, nl)}"
        if last.comma is not None:  # a trailing comma (JSONC): ours gets one too, in style
            at = _end_of_line_comment(text, last.comma + 1)
            return text[:at] + member + "," + text[at:]
        at = _end_of_line_comment(text, last.value.end)
        return text[: last.value.end] + "," + text[last.value.end : at] + member + text[at:]
    indent = closing_indent + unit
    name = json.dumps(key, ensure_ascii=False)
    member = f"{nl}{indent}{name}: {_dump(value, indent, unit, nl)}"
    inside = text[obj.start + 1 : obj.end - 1]
    if not inside.strip():
        return text[: obj.start + 1] + member + nl + closing_indent + text[obj.end - 1 :]
    return text[: obj.start + 1] + member + text[obj.start + 1 :]


def _object_member(text: str, node: Node, key: str) -> Member | None:
    """The last member named `key` (the one JSON readers keep), or None."""
    found = [member for member in node.members if member.key == key]
    return found[-1] if found else None


def set_member(
    text: str, container: str, key: str, value: Any, *, allow_comments: bool = True
) -> str:
    """`text` with `root[container][key] = value`; everything else unchanged.

    Raises JsoncError if the text does not parse, or the root or the container is not an
    object.
    """
    if not text.strip(" \t\r\n\ufeff"):
        text = "{}\n"
    root = parse(text, allow_comments=allow_comments)
    if not root.is_object:
        raise JsoncError("the top level is not a JSON object")
    unit = _unit(text, root)
    holder = _object_member(text, root, container)
    if holder is None:
        return _insert_member(text, root, container, {key: value}, unit)
    if not holder.value.is_object:
        raise JsoncError(f'"{container}" is not a JSON object')
    existing = _object_member(text, holder.value, key)
    if existing is None:
        return _insert_member(text, holder.value, key, value, unit)
    indent = _indent_at(text, existing.key_start)
    node = existing.value
    return text[: node.start] + _dump(value, indent, unit, _newline(text)) + text[node.end :]


def remove_member(text: str, container: str, key: str, *, allow_comments: bool = True) -> str:
    """`text` without `root[container][key]` (every copy of it); unchanged if it is absent."""
    root = parse(text, allow_comments=allow_comments)
    if not root.is_object:
        raise JsoncError("the top level is not a JSON object")
    holder = _object_member(text, root, container)
    if holder is None or not holder.value.is_object:
        return text
    members = holder.value.members
    doomed = [i for i, member in enumerate(members) if member.key == key]
    # From the end, so earlier positions stay valid.
    for index in reversed(doomed):
        member = members[index]
        start = member.key_start
        if not text[_line_start(text, start) : start].strip():
            start = _line_start(text, start)
        end = member.value.end if member.comma is None else member.comma + 1
        if start == _line_start(text, start):  # a whole line: take its line break too
            rest = text.find("\n", end)
            if rest >= 0 and not text[end:rest].strip():
                end = rest + 1
        else:  # inline: take the spaces after it
            while end < len(text) and text[end] in " \t":
                end += 1
        text = text[:start] + text[end:]
        is_last = index == len(members) - 1
        if member.comma is None and index > 0 and is_last:
            previous = members[index - 1]
            if previous.comma is not None and previous.comma < start:
                text = text[: previous.comma] + text[previous.comma + 1 :]
        members = members[:index] + members[index + 1 :]
    return text
