import pytest

from server.asgi import HttpError
from server.config import ServerConfig
from server.security import SecurityPolicy, generate_token

TOKEN = "t0k-t0k-t0k-t0k-t0k"


def scope(path: str = "/mcp", method: str = "POST", **headers: str) -> dict:
    return {
        "path": path,
        "method": method,
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


@pytest.mark.parametrize(
    "host", ["127.0.0.1:5030", "localhost:5030", "[::1]:5030", "localhost", "127.0.0.1"]
)
def test_loopback_host_headers_pass(host):
    SecurityPolicy(ServerConfig()).check(scope(host=host))


@pytest.mark.parametrize(
    "host", ["evil.example.com", "evil.example.com:5030", "192.168.1.5:5030", "localhost.evil.com"]
)
def test_other_host_headers_are_misdirected(host):
    with pytest.raises(HttpError) as denied:
        SecurityPolicy(ServerConfig()).check(scope(host=host))
    assert denied.value.status == 421


def test_an_origin_must_be_the_server_itself_or_listed():
    policy = SecurityPolicy(ServerConfig(allow_origins=("http://localhost:6274",)))
    policy.check(scope(host="127.0.0.1:5030", origin="http://127.0.0.1:5030"))
    policy.check(scope(host="127.0.0.1:5030", origin="http://localhost:6274"))
    for origin in ("http://127.0.0.1:9999", "null", "https://chat.example.com"):
        with pytest.raises(HttpError) as denied:
            policy.check(scope(host="127.0.0.1:5030", origin=origin))
        assert denied.value.status == 403


def test_wildcard_origins_cannot_be_configured():
    with pytest.raises(ValueError, match="wildcard"):
        ServerConfig(allow_origins=("*",))


def test_the_token_is_required_except_on_health():
    policy = SecurityPolicy(ServerConfig(token=TOKEN))
    policy.check(scope("/health"))
    policy.check(scope("/mcp", authorization=f"Bearer {TOKEN}"))
    for supplied in ("", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", f"bearer {TOKEN}"):
        with pytest.raises(HttpError) as denied:
            policy.check(scope("/mcp", authorization=supplied))
        assert denied.value.status == 401


def test_all_interfaces_skip_the_host_check_but_not_the_origin_check():
    policy = SecurityPolicy(ServerConfig(host="0.0.0.0", token=TOKEN))
    policy.check(scope(host="192.168.1.5:5030", authorization=f"Bearer {TOKEN}"))
    with pytest.raises(HttpError):
        policy.check(
            scope(
                host="192.168.1.5:5030",
                origin="http://evil.example.com",
                authorization=f"Bearer {TOKEN}",
            )
        )


def test_an_empty_token_means_no_token():
    assert ServerConfig(token="").token is None


def test_a_preflight_is_an_options_with_a_requested_method_from_a_listed_origin():
    policy = SecurityPolicy(ServerConfig(allow_origins=("http://localhost:6274",)))
    listed = {"origin": "http://localhost:6274/", "access_control_request_method": "POST"}
    assert policy.is_preflight(scope(method="OPTIONS", **listed))
    assert not policy.is_preflight(scope(method="POST", **listed))
    assert not policy.is_preflight(scope(method="OPTIONS", origin="http://localhost:6274"))
    assert not policy.is_preflight(
        scope(method="OPTIONS", origin="http://other:1", access_control_request_method="POST")
    )


def test_a_token_shorter_than_16_characters_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="too short") as refused:
        ServerConfig(host="0.0.0.0", token="x" * 15)
    assert "x" * 15 not in str(refused.value)  # the rejected secret is not echoed
    assert ServerConfig(host="0.0.0.0", token="x" * 16).token is not None


def test_generated_tokens_are_long_random_and_never_start_like_a_flag():
    tokens = [generate_token() for _ in range(200)]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert token.isalnum() and len(token) >= 43
        assert ServerConfig(host="0.0.0.0", token=token).token is not None
