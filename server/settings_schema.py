"""What a setting is, besides its type and range: the data that the command line, the settings
dialog, the saved settings and the docs are generated from (docs/settings.md).

A field of `ServerConfig` becomes a user setting by carrying a `Setting` in its annotation:

    workers: Annotated[int, Field(ge=1, le=256), Setting("Workers", "requests processed at
        once", group=PERFORMANCE)] = 8

Its type, default and range come from pydantic; everything a person reads comes from here.
Fields without a `Setting` are internal limits: no flag, no widget, never saved.
"""

from __future__ import annotations

import argparse
import enum
import math
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

# The dialog's groups, in the order they are shown.
NETWORK = "Network"
PERFORMANCE = "Performance"
DATA = "WeChat data"
WEBHOOKS = "Webhooks"
GROUPS = (NETWORK, PERFORMANCE, DATA, WEBHOOKS)


class Storage(enum.StrEnum):
    """Where the desktop app keeps a setting between runs."""

    SETTINGS = "settings file"  # QSettings: an INI file, the registry or a plist
    KEYCHAIN = "keychain"  # the OS keychain, never a file (secrets)
    NOWHERE = "not kept"  # given on the command line each time


class Kind(enum.StrEnum):
    """What kind of value a setting holds, which decides its flag and its widget."""

    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    NUMBER = "number"
    SWITCH = "switch"
    LINES = "lines"
    FOLDER = "folder"
    SECRET = "secret"
    KEY_TABLE = "key table"  # per-database keys from a key file
    RECORDS = "records"  # anything else (a list of models, say): saved as JSON, own flags


class CustomFlags(Protocol):
    """The command line of a setting no single flag can carry (RECORDS): it adds its own
    arguments and reads its value back from them (None: not given)."""

    def add(self, parser: argparse.ArgumentParser) -> None: ...

    def given(self, args: argparse.Namespace) -> object: ...


@dataclass(frozen=True)
class Setting:
    """How a field is presented and kept. Texts are English; the desktop translates them."""

    label: str
    help: str
    group: str | None = None  # the dialog's group; None: command line only
    unit: str = ""  # shown after the value ("s"), and in the docs
    restart: bool = False  # True: applying a change restarts the server (drops clients)
    storage: Storage = Storage.SETTINGS
    keychain_entry: str = ""  # the keychain entry of a KEYCHAIN setting
    flag: str = ""  # the command-line flag; default --field-name (--no-field-name: True)
    metavar: str | None = None
    file_flag: str = ""  # a SECRET's flag naming a file that holds it
    env: str = ""  # a SECRET's environment variable
    choices: tuple[tuple[str, str], ...] = ()  # (value, what the dialog calls it)
    minimum_text: str = ""  # the dialog's name for the smallest value ("any free port")
    placeholder: str = ""  # the dialog's hint in an empty field
    decimals: int = 0
    flags: CustomFlags | None = None  # a RECORDS setting's own command-line flags


@dataclass(frozen=True)
class Entry:
    """One setting of a model: its field's name, type and limits beside its `Setting`."""

    name: str
    setting: Setting
    kind: Kind
    default: Any
    minimum: float | None  # inclusive, after `gt` is turned into the next shown value
    maximum: float | None

    @property
    def flag(self) -> str:
        if self.setting.flag:
            return self.setting.flag
        dashed = self.name.replace("_", "-")
        return f"--no-{dashed}" if self.kind is Kind.SWITCH and self.default else f"--{dashed}"

    @property
    def dest(self) -> str:
        """The argparse attribute the flag fills."""
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def settings_key(self) -> str:
        """The QSettings key of a SETTINGS setting."""
        return f"server/{self.name}"

    @property
    def live(self) -> bool:
        return not self.setting.restart

    def range_text(self) -> str:
        if self.minimum is None and self.maximum is None:
            return ""
        low = _number(self.minimum) if self.minimum is not None else ""
        high = _number(self.maximum) if self.maximum is not None else ""
        return f"{low}–{high}"

    def default_text(self) -> str:
        if self.default is None or self.default == () or self.default == {}:
            return ""
        if isinstance(self.default, bool):
            return "on" if self.default else "off"
        if isinstance(self.default, float):
            return _number(self.default)
        return str(self.default)


def entries(model: type[BaseModel]) -> tuple[Entry, ...]:
    """Every setting of `model`, in field order."""
    found = []
    for name, info in model.model_fields.items():
        setting = next((item for item in info.metadata if isinstance(item, Setting)), None)
        if setting is None:
            continue
        kind = _kind(info, setting)
        minimum, maximum = _limits(info, setting.decimals)
        default = info.get_default(call_default_factory=True)
        found.append(Entry(name, setting, kind, default, minimum, maximum))
    return tuple(found)


def _kind(info: FieldInfo, setting: Setting) -> Kind:
    annotation = _without_none(info.annotation)
    if setting.choices:
        return Kind.CHOICE
    if annotation is SecretStr:
        return Kind.SECRET
    if annotation is bool:
        return Kind.SWITCH
    if annotation is int:
        return Kind.INTEGER
    if annotation is float:
        return Kind.NUMBER
    if annotation is Path:
        return Kind.FOLDER
    if get_origin(annotation) is tuple and get_args(annotation)[0] is str:
        return Kind.LINES
    if get_origin(annotation) is dict:
        return Kind.KEY_TABLE
    if annotation is str:
        return Kind.TEXT
    return Kind.RECORDS


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _limits(info: FieldInfo, decimals: int) -> tuple[float | None, float | None]:
    minimum: float | None = None
    maximum: float | None = None
    step = 10.0**-decimals
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            minimum = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Gt):
            # The smallest value a widget with these decimals can show that is still allowed.
            minimum = math.floor(float(item.gt) / step) * step + step  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Le):
            maximum = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, annotated_types.Lt):
            maximum = float(item.lt) - step  # type: ignore[arg-type]
    return minimum, maximum


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def restart_needed(old: BaseModel, new: BaseModel) -> bool:
    """True when `new` differs from `old` in anything a running server cannot take live:
    a setting marked `restart`, or an internal field (one without a `Setting`)."""
    live = {entry.name for entry in entries(type(new)) if entry.live}
    return any(
        getattr(old, name) != getattr(new, name)
        for name in type(new).model_fields
        if name not in live
    )
