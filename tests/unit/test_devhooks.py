"""--conformance-fixtures reaches devtools/ when a source checkout has it, and says clearly
what is missing when it does not (a wheel or the bundle)."""

import sys

import pytest

from server.app import Extensions
from server.cli import parse_args
from server.devhooks import DevtoolsMissingError, add_conformance_fixtures, devtools_available


@pytest.fixture
def without_devtools(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules is Python's own way to make an import fail (ModuleNotFoundError),
    # as it does where devtools/ was not installed.
    for name in [name for name in sys.modules if name.startswith("devtools")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "devtools", None)


def test_a_source_checkout_serves_the_conformance_fixtures():
    extensions = Extensions()
    assert devtools_available()
    add_conformance_fixtures(extensions)
    names = {tool.name for tool in extensions.tools}
    assert "test_simple_text" in names
    assert extensions.resources is not None and extensions.prompts is not None


@pytest.mark.usefixtures("without_devtools")
def test_without_devtools_the_flag_is_refused_with_a_reason(capsys: pytest.CaptureFixture[str]):
    assert not devtools_available()
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--headless", "--conformance-fixtures"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "--conformance-fixtures needs the developer tools" in error
    assert "source checkout" in error


@pytest.mark.usefixtures("without_devtools")
def test_without_devtools_the_app_still_starts_without_the_flag():
    _, config = parse_args(["--headless"])
    assert not config.conformance_fixtures


@pytest.mark.usefixtures("without_devtools")
def test_without_devtools_building_the_fixtures_raises_the_same_reason():
    with pytest.raises(DevtoolsMissingError, match="source checkout"):
        add_conformance_fixtures(Extensions())
