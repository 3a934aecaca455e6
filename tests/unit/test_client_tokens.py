import json

import pytest

from server.client_tokens import ClientTokens, MemoryVault, TokenStoreError


def test_each_client_gets_its_own_token_and_adding_twice_keeps_it():
    tokens = ClientTokens(MemoryVault())
    claude = tokens.issue("Claude Desktop")
    cursor = tokens.issue("Cursor")
    assert claude != cursor and claude.startswith("clt_")
    assert tokens.issue("Claude Desktop") == claude
    assert tokens.who(claude) == "Claude Desktop" and tokens.who(cursor) == "Cursor"
    assert tokens.names() == ["Claude Desktop", "Cursor"]


def test_a_revoked_token_is_no_longer_known():
    tokens = ClientTokens(MemoryVault())
    token = tokens.issue("Cursor")
    assert tokens.revoke("Cursor") is True
    assert tokens.who(token) is None
    assert tokens.revoke("Cursor") is False


def test_another_process_adding_a_client_is_seen_after_a_refresh():
    vault = MemoryVault()
    server, command_line = ClientTokens(vault), ClientTokens(vault)
    token = command_line.issue("VS Code")
    assert server.who(token) is None
    server.refresh()
    assert server.who(token) == "VS Code"


def test_the_keychain_keeps_only_names_and_tokens():
    vault = MemoryVault()
    token = ClientTokens(vault).issue("Cursor")
    assert json.loads(vault.value) == {"Cursor": token}


def test_a_damaged_table_starts_afresh_instead_of_failing():
    tokens = ClientTokens(MemoryVault("{not json"))
    assert tokens.names() == []
    assert tokens.issue("Cursor")


def test_names_are_checked():
    with pytest.raises(ValueError, match="client name"):
        ClientTokens(MemoryVault()).issue("../../evil")


def test_a_keychain_that_fails_says_what_to_do_instead():
    class Broken:
        def read(self):
            raise TokenStoreError("the system keychain cannot be used (X); use --token-file")

        def write(self, value):
            raise AssertionError("not reached")

    tokens = ClientTokens(Broken())
    with pytest.raises(TokenStoreError, match="--token-file"):
        tokens.issue("Cursor")
    tokens.refresh()  # the server keeps going with what it had
    assert tokens.who("clt_anything") is None  # and answers from what it had


class _BrokenVault:
    """A keychain that cannot be used (no backend), as on a bare Linux server."""

    def read(self) -> str | None:
        raise TokenStoreError("the system keychain cannot be used (NoKeyringError)")

    def write(self, value: str) -> None:
        raise TokenStoreError("the system keychain cannot be used (NoKeyringError)")


def test_a_keychain_that_cannot_be_read_is_said_once_not_at_every_refresh(caplog):
    tokens = ClientTokens(_BrokenVault())
    for _ in range(5):  # the server refreshes every few seconds
        tokens.refresh()
    warnings = [r for r in caplog.records if "cannot be used" in r.getMessage()]
    assert len(warnings) == 1
