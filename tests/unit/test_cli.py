import pytest

from server.cli import build_parser, config_from_args, parse_args
from server.config import ServerConfig


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
            "--data-dir",
            "/tmp/wx",
            "--token",
            "abc-abc-abc-abc-abc",
            "--allow-origin",
            "http://a.test",
            "--allow-origin",
            "https://b.test/",
            "--conformance-fixtures",
        ]
    )
    assert config.host == "::1" and config.port == 0
    assert (config.queue_capacity, config.workers) == (5, 2)
    assert (config.ping_interval, config.session_idle_timeout) == (1.5, 60)
    assert str(config.data_dir) == "/tmp/wx"
    assert config.token is not None and config.token.get_secret_value() == "abc-abc-abc-abc-abc"
    assert config.allow_origins == ("http://a.test", "https://b.test")
    assert config.conformance_fixtures


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
