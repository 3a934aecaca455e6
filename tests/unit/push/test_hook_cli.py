import pytest

from server.cli import build_parser, parse_args


def test_each_webhook_takes_the_filters_that_follow_it():
    _, config = parse_args(
        [
            "--webhook",
            "http://127.0.0.1:8000/all",
            "--webhook",
            "http://localhost:8001/family",
            "--webhook-talker",
            "Family,work@chatroom",
            "--webhook-keyword",
            "urgent|紧急",
            "--webhook-sender",
            "Mum",
        ]
    )
    first, second = config.webhooks
    assert (first.url, first.talker, first.keyword) == ("http://127.0.0.1:8000/all", "", "")
    assert (second.talker, second.sender, second.keyword) == (
        "Family,work@chatroom",
        "Mum",
        "urgent|紧急",
    )


def test_no_webhook_means_none():
    assert parse_args([])[1].webhooks == ()


def test_a_filter_before_any_webhook_is_an_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--webhook-talker", "Family"])
    assert exit_.value.code == 2
    assert "put it after --webhook URL" in capsys.readouterr().err


def test_a_filter_given_twice_for_one_hook_is_an_error(capsys):
    with pytest.raises(SystemExit):
        parse_args(
            ["--webhook", "http://127.0.0.1/h", "--webhook-sender", "a", "--webhook-sender", "b"]
        )
    assert "--webhook-sender is given twice" in capsys.readouterr().err


def test_a_remote_webhook_is_refused_at_start_without_allow_remote_webhook(capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--headless", "--webhook", "https://hooks.example.com/in"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "would send your chats off this computer" in error
    assert "--allow-remote-webhook" in error


def test_allow_remote_webhook_confirms_the_remote_hooks():
    _, config = parse_args(["--webhook", "https://hooks.example.com/in", "--allow-remote-webhook"])
    assert config.webhooks[0].is_remote and config.webhooks[0].allow_remote


def test_a_bad_keyword_is_refused_with_the_reason(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--webhook", "http://127.0.0.1/h", "--webhook-keyword", "(a"])
    assert "webhooks.0.keyword" in capsys.readouterr().err


def test_help_explains_the_webhook_flags():
    text = build_parser().format_help()
    for flag in ("--webhook URL", "--webhook-talker", "--allow-remote-webhook", "chatlog"):
        assert flag in text
