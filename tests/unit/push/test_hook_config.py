import pytest
from pydantic import ValidationError

from server.config import ServerConfig
from server.push.hook_config import WebhookConfig, redacted_url


def test_a_loopback_hook_needs_no_confirmation():
    for url in ("http://127.0.0.1:8000/hook", "http://localhost/x", "http://[::1]:9/"):
        assert not WebhookConfig(url=url).is_remote


def test_a_hook_to_another_computer_is_refused_until_confirmed():
    with pytest.raises(ValidationError, match=r"off this computer.*--allow-remote-webhook"):
        WebhookConfig(url="https://hooks.example.com/in")
    hook = WebhookConfig(url="https://hooks.example.com/in", allow_remote=True)
    assert hook.is_remote and hook.host == "hooks.example.com"


def test_a_name_that_only_resolves_to_loopback_counts_as_remote():
    with pytest.raises(ValidationError, match="off this computer"):
        WebhookConfig(url="http://127.0.0.1.nip.io/")


def test_only_http_urls_with_a_host_are_hooks():
    for url, problem in (
        ("ftp://127.0.0.1/x", "http:// or https://"),
        ("127.0.0.1:8000/hook", "http:// or https://"),
        ("http:///path", "names no host"),
        ("http://127.0.0.1:99999/", "invalid"),
    ):
        with pytest.raises(ValidationError, match=problem):
            WebhookConfig(url=url)


def test_a_keyword_that_re2_refuses_is_refused_with_the_reason():
    with pytest.raises(ValidationError, match="lookahead"):
        WebhookConfig(url="http://127.0.0.1/", keyword="(?=x)")


def test_name_lists_are_tidied_like_chatlogs():
    hook = WebhookConfig(url="http://127.0.0.1/", talker=" a, ,b ,", sender="Mum")
    assert (hook.talker, hook.talkers, hook.senders) == ("a,b", ("a", "b"), ("Mum",))
    assert hook.describe_filters() == "talker=a,b, sender=Mum"
    assert WebhookConfig(url="http://127.0.0.1/").describe_filters() == "all new messages"


def test_the_shown_target_leaves_out_query_and_credentials():
    assert (
        redacted_url("https://user:pw@hooks.example.com:8443/in/abc?token=s3cret#x")
        == "https://hooks.example.com:8443/in/abc"
    )
    assert redacted_url("http://[::1]:9/h?k=v") == "http://[::1]:9/h"
    hook = WebhookConfig(url="http://127.0.0.1:9/api/webhooks/1/TOKEN?x=1")
    assert (hook.target, hook.shown_url) == (
        "http://127.0.0.1:9",
        "http://127.0.0.1:9/api/webhooks/1/TOKEN",
    )


def test_server_config_holds_hooks_and_refuses_an_unconfirmed_remote_one():
    config = ServerConfig.model_validate(
        {"webhooks": [{"url": "http://127.0.0.1:1/h", "keyword": "urgent"}]}
    )
    assert config.webhooks[0].keyword == "urgent"
    assert ServerConfig.model_validate(config.model_dump()) == config
    with pytest.raises(ValidationError, match=r"webhooks\.0"):
        ServerConfig.model_validate({"webhooks": [{"url": "http://192.168.1.5/h"}]})
