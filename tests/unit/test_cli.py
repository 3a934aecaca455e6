import io

import pytest

from server.cli import build_parser, config_from_args, parse_args
from server.config import ServerConfig
from server.logging_setup import redactor
from tests.unit.wechat.crypto.conftest import KEY

TOKEN = "a-token-read-safely-0123"


def test_defaults_are_loopback_port_5030_and_a_queue_of_1000():
    _, config = parse_args(["--headless"])
    assert (config.host, config.port, config.queue_capacity, config.ping_interval) == (
        "127.0.0.1",
        5030,
        1000,
        30.0,
    )
    assert config.token is None and config.data_dir is None


def test_every_flag_reaches_the_config():
    _, config = parse_args(
        [
            "--host",
            "::1",
            "--port",
            "0",
            "--queue-capacity",
            "5",
            "--workers",
            "2",
            "--ping-interval",
            "1.5",
            "--session-idle-timeout",
            "60",
            "--max-sessions",
            "7",
            "--data-dir",
            "/tmp/wx",
            "--token",
            "abc-abc-abc-abc-abc",
            "--allow-origin",
            "http://a.test",
            "--allow-origin",
            "https://b.test/",
            "--conformance-fixtures",
            "--no-search-index",
        ]
    )
    assert config.host == "::1" and config.port == 0
    assert (config.queue_capacity, config.workers) == (5, 2)
    assert (config.ping_interval, config.session_idle_timeout) == (1.5, 60)
    assert config.max_sessions == 7
    assert str(config.data_dir) == "/tmp/wx"
    assert config.token is not None and config.token.get_secret_value() == "abc-abc-abc-abc-abc"
    assert config.allow_origins == ("http://a.test", "https://b.test")
    assert config.conformance_fixtures
    assert not config.search_index


def test_given_flags_override_a_base_config_and_the_rest_is_kept():
    base = ServerConfig(port=6000, queue_capacity=50, token="keep-keep-keep-keep")
    config = config_from_args(build_parser().parse_args(["--port", "7000"]), base)
    assert (config.port, config.queue_capacity) == (7000, 50)
    assert config.token is not None and config.token.get_secret_value() == "keep-keep-keep-keep"


def test_out_of_range_values_are_explained():
    with pytest.raises(ValueError, match="port"):
        config_from_args(build_parser().parse_args(["--port", "70000"]))


def test_the_token_is_not_shown_in_the_config_repr():
    assert "abc-abc-abc-abc-abc" not in repr(ServerConfig(token="abc-abc-abc-abc-abc"))


def test_listening_beyond_loopback_requires_a_token():
    with pytest.raises(ValueError, match="set a token"):
        parse_args_or_error(["--host", "0.0.0.0"])
    _, config = parse_args(["--host", "0.0.0.0", "--token", "long-random-token"])
    assert not config.loopback_only


def parse_args_or_error(argv: list[str]) -> None:
    config_from_args(build_parser().parse_args(argv))


def test_a_one_character_token_is_refused_with_a_clear_message(capsys):
    with pytest.raises(SystemExit) as exit:
        parse_args(["--host", "0.0.0.0", "--token", "x"])
    assert exit.value.code == 2
    assert "token is too short" in capsys.readouterr().err


def secrets_of(argv: list[str], environ: dict[str, str] | None = None, stdin: str = "") -> tuple:
    _, config = parse_args(argv, environ=environ or {}, stdin=io.StringIO(stdin))
    token = config.token.get_secret_value() if config.token else None
    key = config.key.get_secret_value() if config.key else None
    return token, key


def test_the_token_and_key_can_come_from_standard_input():
    assert secrets_of(["--token", "-"], stdin=TOKEN + "\n") == (TOKEN, None)
    assert secrets_of(["--key", "-"], stdin=KEY + "\n") == (None, KEY)


def test_standard_input_gives_its_first_line_only():
    assert secrets_of(["--token", "-"], stdin=f"{TOKEN}\nmore input\n")[0] == TOKEN


def test_the_token_and_key_can_come_from_files(tmp_path):
    (tmp_path / "token").write_text(TOKEN + "\n")
    (tmp_path / "key").write_text(KEY + "\n")
    argv = ["--token-file", str(tmp_path / "token"), "--key-from", str(tmp_path / "key")]
    assert secrets_of(argv) == (TOKEN, KEY)


def test_the_token_and_key_can_come_from_the_environment():
    environ = {"CHATLOG_TRAY_TOKEN": TOKEN, "CHATLOG_TRAY_KEY": KEY}
    assert secrets_of([], environ) == (TOKEN, KEY)


def test_the_command_line_wins_over_the_environment(tmp_path):
    (tmp_path / "token").write_text(TOKEN)
    environ = {"CHATLOG_TRAY_TOKEN": "from-the-environment-0123"}
    assert secrets_of(["--token-file", str(tmp_path / "token")], environ)[0] == TOKEN
    assert secrets_of(["--token", "-"], environ, stdin=TOKEN)[0] == TOKEN


def test_secrets_read_from_any_source_are_masked_in_logs(tmp_path):
    (tmp_path / "token").write_text("token-from-a-file-0123")
    secrets_of(["--token-file", str(tmp_path / "token")])
    secrets_of([], {"CHATLOG_TRAY_TOKEN": "token-from-the-environment"})
    secrets_of(["--token", "-"], stdin="token-from-standard-input")
    assert {
        "token-from-a-file-0123",
        "token-from-the-environment",
        "token-from-standard-input",
    } <= redactor.secrets


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["--token", "-", "--key", "-"], "", "only one of --token and --key"),
        (["--token", "-"], "", "no token on standard input"),
        (["--token-file", "/no/such/file"], "", "cannot read the token from /no/such/file"),
        (["--token", TOKEN, "--token-file", "/a/file"], "", "not allowed with argument"),
        (["--key", KEY, "--key-from", "/a/file"], "", "not allowed with argument"),
    ],
)
def test_a_secret_that_cannot_be_read_is_explained(argv, stdin, message, capsys):
    with pytest.raises(SystemExit) as exit:
        secrets_of(argv, stdin=stdin)
    assert exit.value.code == 2
    assert message in capsys.readouterr().err


def test_an_empty_token_file_is_an_error_not_no_token(tmp_path, capsys):
    (tmp_path / "token").write_text("\n")
    with pytest.raises(SystemExit):
        secrets_of(["--token-file", str(tmp_path / "token")])
    assert "is empty" in capsys.readouterr().err


def test_help_names_the_safe_ways_and_warns_about_values_on_the_command_line(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "visible to every user of this computer" in text
    for safe in ("--token-file", "--key-from", "CHATLOG_TRAY_TOKEN", "CHATLOG_TRAY_KEY"):
        assert safe in text
