"""The JSONC reader and the one-member editor: the user's text survives byte for byte."""

import json

import pytest

from server.connect import jsonc

VSCODE_SAMPLE = """{
  // My servers. Keep the GitHub one first.
  "servers": {
    "github": {
      "type": "http",
      "url": "https://api.githubcopilot.com/mcp/", // the hosted one
    },
    /* the local memory server */
    "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
  },
  "inputs": [],
}
"""


def test_reads_comments_and_trailing_commas_in_jsonc():
    assert jsonc.loads(VSCODE_SAMPLE)["servers"]["github"]["url"].startswith("https://")
    assert list(jsonc.loads(VSCODE_SAMPLE)) == ["servers", "inputs"]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ('{"a": 1 // no\n}', "comment"),
        ('{"a": 1,}', "trailing comma"),
    ],
)
def test_plain_json_refuses_comments_and_trailing_commas(text, what):
    with pytest.raises(jsonc.JsoncError, match=what):
        jsonc.loads(text, allow_comments=False)


@pytest.mark.parametrize(
    "text",
    ['{"a": ', '{"a" 1}', "{a: 1}", '{"a": 1} x', '{"a": "unclosed}', '{"a": tru}', "[1 2]"],
)
def test_broken_text_says_where(text):
    with pytest.raises(jsonc.JsoncError, match="line 1, column"):
        jsonc.loads(text)


def test_values_match_the_json_module():
    text = '{"s": "a\\"b\\u00e9", "n": -1.5e3, "t": true, "f": false, "z": null, "l": [1, {}]}'
    assert jsonc.loads(text) == json.loads(text)


def test_adding_keeps_every_comment_and_other_entry():
    entry = {"type": "http", "url": "http://127.0.0.1:5030/mcp"}
    new = jsonc.set_member(VSCODE_SAMPLE, "servers", "chatlog", entry)
    assert jsonc.loads(new)["servers"]["chatlog"] == entry
    assert list(jsonc.loads(new)["servers"]) == ["github", "memory", "chatlog"]
    # Only our member was inserted: removing it gives back the original text exactly.
    assert jsonc.remove_member(new, "servers", "chatlog") == VSCODE_SAMPLE
    for comment in ("// My servers", "// the hosted one", "/* the local memory server */"):
        assert comment in new


def test_replacing_our_entry_touches_nothing_else():
    first = jsonc.set_member(VSCODE_SAMPLE, "servers", "chatlog", {"url": "old"})
    second = jsonc.set_member(first, "servers", "chatlog", {"url": "new"})
    assert second == first.replace('"old"', '"new"')


def test_a_missing_container_is_created_with_the_files_indentation():
    text = '{\n    "theme": "dark"\n}\n'
    new = jsonc.set_member(text, "mcpServers", "chatlog", {"command": "x"})
    assert new == (
        '{\n    "theme": "dark",\n    "mcpServers": {\n        "chatlog": {\n'
        '            "command": "x"\n        }\n    }\n}\n'
    )


@pytest.mark.parametrize("text", ["", "  \n", "{}", "{\n}\n"])
def test_an_empty_file_or_object_gets_our_entry(text):
    new = jsonc.set_member(text, "mcpServers", "chatlog", {"command": "x"})
    assert jsonc.loads(new, allow_comments=False) == {"mcpServers": {"chatlog": {"command": "x"}}}


def test_a_comment_at_the_end_of_the_last_line_stays_there():
    text = '{\n  "a": 1 // one\n}\n'
    new = jsonc.set_member(text, "servers", "chatlog", {})
    assert new.startswith('{\n  "a": 1, // one\n  "servers"')
    assert (
        jsonc.remove_member(new, "servers", "chatlog")
        == '{\n  "a": 1, // one\n  "servers": {\n  }\n}\n'
    )


def test_removing_the_last_member_drops_the_comma_before_it():
    text = (
        '{\n  "mcpServers": {\n    "other": {"command": "o"},\n'
        '    "chatlog": {"command": "x"}\n  }\n}\n'
    )
    new = jsonc.remove_member(text, "mcpServers", "chatlog")
    assert new == '{\n  "mcpServers": {\n    "other": {"command": "o"}\n  }\n}\n'
    assert jsonc.loads(new, allow_comments=False) == {"mcpServers": {"other": {"command": "o"}}}


def test_removing_the_first_member_keeps_the_rest():
    text = '{"mcpServers": {"chatlog": {}, "other": {"command": "o"}}}'
    assert jsonc.remove_member(text, "mcpServers", "chatlog") == (
        '{"mcpServers": {"other": {"command": "o"}}}'
    )


def test_removing_what_is_not_there_changes_nothing():
    assert jsonc.remove_member(VSCODE_SAMPLE, "servers", "chatlog") == VSCODE_SAMPLE
    assert jsonc.remove_member(VSCODE_SAMPLE, "mcpServers", "chatlog") == VSCODE_SAMPLE


@pytest.mark.parametrize("text", ["[]", '{"mcpServers": []}', '{"mcpServers": null}'])
def test_a_file_of_another_shape_is_refused(text):
    with pytest.raises(jsonc.JsoncError, match="not a JSON object"):
        jsonc.set_member(text, "mcpServers", "chatlog", {})


def test_a_byte_order_mark_and_crlf_lines_survive():
    text = '\ufeff{\r\n  "mcpServers": {\r\n    "other": {}\r\n  }\r\n}\r\n'
    new = jsonc.set_member(text, "mcpServers", "chatlog", {"a": 1})
    assert new.startswith('\ufeff{\r\n  "mcpServers": {\r\n    "other": {},')
    assert jsonc.loads(new)["mcpServers"]["chatlog"] == {"a": 1}
    assert jsonc.remove_member(new, "mcpServers", "chatlog") == text
