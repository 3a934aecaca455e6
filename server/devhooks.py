"""The one way server/ reaches devtools/, which only a source checkout has (devtools/__init__.py):
the conformance fixtures behind `--conformance-fixtures`.

The module is imported by name at run time, so PyInstaller's analysis does not follow it into
the bundle (installer/chatlog-tray.spec excludes it as well).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from server.app import Extensions

CONFORMANCE_MODULE = "devtools.conformance"
DEVTOOLS_MISSING = (
    "--conformance-fixtures needs the developer tools (the devtools package), which only a "
    "source checkout of Chatlog Tray has, not the installed app; run it from the repository "
    "(uv run chatlog-tray --headless --conformance-fixtures)"
)


class DevtoolsMissingError(ValueError):
    """The developer tools are not installed (a wheel or the bundle)."""


def devtools_available() -> bool:
    try:
        return importlib.util.find_spec(CONFORMANCE_MODULE) is not None
    except ModuleNotFoundError:  # the parent package is missing
        return False


def add_conformance_fixtures(extensions: Extensions) -> None:
    """Serve the conformance suite's fixtures too; DevtoolsMissingError without devtools/."""
    try:
        module = importlib.import_module(CONFORMANCE_MODULE)
    except ModuleNotFoundError as error:
        if error.name not in ("devtools", CONFORMANCE_MODULE):
            raise  # devtools is there but broken: show the real error
        raise DevtoolsMissingError(DEVTOOLS_MISSING) from None
    add = cast("Callable[[Extensions], None]", module.add_conformance_fixtures)
    add(extensions)
