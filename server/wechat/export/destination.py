"""Where an export may be written: never inside WeChat's folder.

The app never writes to WeChat's files (docs/architecture.md, "Security"): an export whose
destination lies inside the data folder being read, or inside any folder WeChat keeps its
data in (named as in docs/wechat-data.md), is refused before anything is written.
Blocking (it resolves paths): call it off the event loop.
"""

from __future__ import annotations

from pathlib import Path

from server.wechat.export.options import ExportError

# Folders only WeChat writes into, matched by name at any depth, case-insensitively.
WECHAT_FOLDERS = frozenset(
    {"wechat files", "xwechat_files", "com.tencent.xwechat", "com.tencent.xinwechat"}
)


class FileExistsExportError(ExportError):
    """The destination exists and replacing it was not asked for."""


def check_destination(out: Path, data_dir: Path, replace: bool = False) -> Path:
    """The resolved file to write, or ExportError saying why it cannot be written there. An
    existing file is replaced only when the caller says so (`replace`): never silently."""
    try:
        target = out.expanduser().resolve()
        source = data_dir.expanduser().resolve()
    except (OSError, RuntimeError) as error:
        raise ExportError(f"the destination {out} cannot be used: {error}") from None
    if target.is_dir():
        raise ExportError(f"{out} is a folder: give the name of the file to write")
    if not target.parent.is_dir():
        raise ExportError(f"the folder {target.parent} does not exist")
    if target.exists() and not replace:
        raise FileExistsExportError(f"{out} already exists: choose another name, or replace it")
    if target.is_relative_to(source) or source.is_relative_to(target):
        raise ExportError(
            f"{out} is inside the WeChat data folder being read ({source}): this app never "
            "writes there; choose a folder of your own"
        )
    inside = [part for part in target.parent.parts if part.lower() in WECHAT_FOLDERS]
    if inside:
        raise ExportError(
            f"{out} is inside WeChat's own folder ({inside[0]}): this app never writes there; "
            "choose a folder of your own"
        )
    return target
