"""`chatlog-tray decrypt` and `--key`: the command line around the decryption."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from desktop.main import main
from server.cli import parse_args
from server.logging_setup import redactor
from server.wechat.crypto.errors import InvalidKeyError
from server.wechat.crypto.keys import DatabaseKey
from tests.unit.wechat.crypto.conftest import KEY, OTHER_KEY


def test_decrypt_writes_the_copies_and_shows_progress(
    encrypted_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["decrypt", "--data-dir", str(encrypted_dir), "--key", KEY, "--out", str(out)])
    error = capsys.readouterr().err
    assert code == 0
    assert "decrypted" in error and "0 failed" in error
    assert sorted(p.name for p in out.rglob("*.db")) == sorted(
        p.name for p in encrypted_dir.rglob("*.db")
    )
    assert KEY not in error


def test_decrypt_reads_the_key_from_stdin(
    encrypted_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    out = tmp_path / "out"
    args = ["decrypt", "--data-dir", str(encrypted_dir), "--key", "-", "--out", str(out)]
    assert main([*args, "--quiet"]) == 0


def test_decrypt_with_a_wrong_key_fails_with_a_clear_message(
    encrypted_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--data-dir", str(encrypted_dir), "--key", OTHER_KEY, "--out", str(tmp_path / "o")]
    assert main(["decrypt", *args]) == 1
    error = capsys.readouterr().err
    assert "Wrong key for this data" in error and OTHER_KEY not in error


def test_a_malformed_key_is_a_usage_error_that_does_not_echo_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["decrypt", "--data-dir", str(tmp_path), "--key", "abc123zz", "--out", "x"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "64 hexadecimal characters" in error and "abc123zz" not in error


def test_the_server_takes_a_key_and_never_shows_it() -> None:
    _, config = parse_args(["--key", KEY.upper()])
    assert config.key is not None and config.key.get_secret_value() == KEY.upper()
    assert KEY.upper() not in repr(config) and KEY.upper() not in str(config.model_dump())


def test_the_server_refuses_a_malformed_key(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--key", "12345"])
    assert "64 hexadecimal characters" in capsys.readouterr().err


def test_a_key_is_masked_in_logs_whatever_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    key = DatabaseKey(KEY)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "oops %s %r", (KEY, key), None)
    redactor.filter(record)
    assert KEY not in record.getMessage() and "***" in record.getMessage()
    assert repr(key) == str(key) == "DatabaseKey(***)"


def test_a_key_must_be_64_hex_characters() -> None:
    with pytest.raises(InvalidKeyError, match="63 characters"):
        DatabaseKey(KEY[:-1])
    with pytest.raises(InvalidKeyError, match="other than 0-9"):
        DatabaseKey("g" * 64)
