"""`chatlog-tray --headless --webhook …` as a user runs it."""

import subprocess

import httpx

from tests.e2e.test_headless import COMMAND, start, stop


def test_a_webhook_to_another_computer_is_refused_at_start_without_allow_remote_webhook():
    result = subprocess.run(
        [*COMMAND, "--port", "0", "--webhook", "https://hooks.example.com/in?key=abc"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "would send your chats off this computer" in result.stderr
    assert "--allow-remote-webhook" in result.stderr
    assert result.stdout == ""  # never listened


def test_headless_serves_with_its_webhooks_listed_in_health():
    process, url = start(
        "--port",
        "0",
        "--webhook",
        "http://127.0.0.1:9/hook?secret=abc",
        "--webhook-talker",
        "Family",
        "--webhook",
        "https://hooks.example.com/in",
        "--allow-remote-webhook",
    )
    try:
        push = httpx.get(url + "/health", timeout=30).json()["push"]
    finally:
        code, _elapsed = stop(process)
    assert code == 0
    targets = [(hook["target"], hook["remote"]) for hook in push["webhooks"]["hooks"]]
    assert targets == [("http://127.0.0.1:9", False), ("https://hooks.example.com", True)]
