"""Which WeChat generation wrote a data directory, and where its databases are.

File lists are read from disk on every call (a directory listing is cheap), so shards that
appear while the app runs are picked up; chatlog cached them until restart
(docs/wechat-formats.md, "Folders and files").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from server.wechat.errors import DataDirNotFoundError, UnknownLayoutError
from server.wechat.model import Layout

_V4_MESSAGE = re.compile(r"^message_([0-9]?[0-9])?\.db$")
_V3_MESSAGE = re.compile(r"^MSG([0-9]?[0-9])?\.db$")
_DARWIN_MESSAGE = re.compile(r"^msg_([0-9]?[0-9])?\.db$")
_V4_BIZ = re.compile(r"^biz_message_([0-9]?[0-9])?\.db$")
_V3_PUBLIC = re.compile(r"^PublicMsg\.db$")


@dataclass(frozen=True, slots=True)
class DataDir:
    """A data directory whose layout is known; `root` is the account folder."""

    root: Path
    layout: Layout

    def message_files(self) -> list[Path]:
        """Every message shard currently on disk, in name order."""
        if self.layout == Layout.V4:
            return _matching(self.root / "db_storage" / "message", _V4_MESSAGE)
        if self.layout == Layout.WINDOWS_V3:
            found = _matching(self.root / "Msg", _V3_MESSAGE)
            return found + _matching(self.root / "Msg" / "Multi", _V3_MESSAGE)
        return _matching(self.root / "Message", _DARWIN_MESSAGE)

    def official_files(self) -> list[Path]:
        """Official-account / WeCom message databases (same tables as `message_files`)."""
        if self.layout == Layout.V4:
            return _matching(self.root / "db_storage" / "message", _V4_BIZ)
        if self.layout == Layout.WINDOWS_V3:
            return _matching(self.root / "Msg", _V3_PUBLIC)
        return []

    def database(self, name: str) -> Path:
        """The path of one of the layout's fixed databases (see `_FIXED`)."""
        return self.root / _FIXED[self.layout][name]


_FIXED: dict[Layout, dict[str, str]] = {
    Layout.V4: {
        "contact": "db_storage/contact/contact.db",
        "session": "db_storage/session/session.db",
    },
    Layout.WINDOWS_V3: {"contact": "Msg/MicroMsg.db", "session": "Msg/MicroMsg.db"},
    Layout.DARWIN_V3: {
        "contact": "Contact/wccontact_new2.db",
        "chatroom": "Group/group_new.db",
        "session": "Session/session_new.db",
    },
}


def _matching(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder / name for name in names if pattern.match(name)]


def detect(path: Path) -> DataDir:
    """Recognise the layout of `path` (the account folder, or its db_storage/Msg folder).

    Raises:
        DataDirNotFoundError: `path` does not exist or is not a directory.
        UnknownLayoutError: no WeChat databases where any layout keeps them.
    """
    if not path.is_dir():
        raise DataDirNotFoundError(path)
    candidates = [path]
    if path.name in ("db_storage", "Msg"):
        candidates.append(path.parent)
    for root in candidates:
        for layout in (Layout.V4, Layout.WINDOWS_V3, Layout.DARWIN_V3):
            data_dir = DataDir(root, layout)
            if data_dir.database("contact").is_file() or data_dir.message_files():
                return data_dir
    raise UnknownLayoutError(path)
