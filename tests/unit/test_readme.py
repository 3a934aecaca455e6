"""The README's commands: the launch command installs the app without the test and lint tools,
and the token's `--token=VALUE` form, which the README documents, is what the CLI accepts."""

import re
import tomllib
from pathlib import Path

from server.cli import parse_args

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def launch_command() -> str:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    [line] = [line for line in first_block.splitlines() if "chatlog-tray" in line]
    return line.split("#", 1)[0].strip()


def test_the_launch_command_installs_the_desktop_extra_and_no_dev_tools():
    command = launch_command().split()
    assert command[:2] == ["uv", "run"] and command[-1] == "chatlog-tray"
    assert "--no-dev" in command
    extra = command[command.index("--extra") + 1]
    desktop = PYPROJECT["project"]["optional-dependencies"][extra]
    assert {re.split(r"[<>=\[]", spec)[0] for spec in desktop} >= {"PySide6-Essentials", "qasync"}
    # The tools stay in the dev group, which --no-dev leaves out.
    dev = {re.split(r"[<>=\[]", spec)[0] for spec in PYPROJECT["dependency-groups"]["dev"]}
    app = {re.split(r"[<>=\[ ]", spec)[0] for spec in PYPROJECT["project"]["dependencies"]}
    assert {"pytest", "ruff", "mypy"} <= dev and not {"pytest", "ruff", "mypy"} & app


def test_the_readme_test_command_is_plain_uv_run_pytest():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert any(line.split("#")[0].strip() == "uv run pytest" for line in first_block.splitlines())


def test_a_token_starting_with_a_dash_is_given_with_an_equals_sign():
    assert "`--token=-abc…`" in README
    token = "-abcdefghijklmnopqrstuvwxyz"
    _, config = parse_args(["--headless", f"--token={token}"])
    assert config.token is not None and config.token.get_secret_value() == token
