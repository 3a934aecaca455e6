"""The file behind an image, video or file message, per layout (docs/wechat-formats.md, "Media"),
and the thumbnail WeChat keeps beside a video.

Two sources, tried in order: the message's own path fields (what the readers put in
`contents["path"]`/`["thumbpath"]`), then the hardlink tables, by the md5 the message body
names. Every candidate passes `paths.inside`, so nothing outside the account folder is ever
returned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from server.wechat.connections import ConnectionPool
from server.wechat.errors import DataSourceError
from server.wechat.layout import DataDir
from server.wechat.media.paths import inside
from server.wechat.model import Layout, Message

Connect = Callable[[Path], sqlite3.Connection]


@dataclass(frozen=True, slots=True)
class Found:
    """The best file for the message (`path`) and, for images, a thumbnail beside it."""

    path: Path
    thumbnail: Path | None = None
    variant: str = "original"  # "hd", "original" or "thumbnail"


def locate(data_dir: DataDir, pool: ConnectionPool, message: Message, kind: str) -> Found | None:
    """The file of a media message of `kind` ('image', 'video', 'file'); None if none is."""
    root = data_dir.root
    candidates = list(_candidates(data_dir, pool, message, kind))
    if kind == "image":
        return _best_image(root, candidates)
    for relative in candidates:
        path = inside(root, relative)
        if path is not None:
            return Found(path)
    return None


# What a video's thumbnail is called beside the video, by layout (docs/wechat-formats.md,
# "Media"); macOS 3.x keeps one somewhere not known.
_VIDEO_THUMBNAIL_SUFFIXES = {Layout.V4: "_thumb.jpg", Layout.WINDOWS_V3: ".jpg"}


def locate_video_thumbnail(
    data_dir: DataDir, pool: ConnectionPool, message: Message
) -> Path | None:
    """The thumbnail WeChat keeps beside a video message's video; None if there is none.

    Found from where the video is or would be, so a video WeChat has not downloaded still
    has its thumbnail.
    """
    suffix = _VIDEO_THUMBNAIL_SUFFIXES.get(data_dir.layout)
    if suffix is None:
        return None
    bases: list[str] = []
    for relative in _candidates(data_dir, pool, message, "video"):
        base = relative[:-4] if relative.lower().endswith(".mp4") else relative
        if base in bases:
            continue
        bases.append(base)
        path = inside(data_dir.root, base + suffix)
        if path is not None:
            return path
    return None


def _best_image(root: Path, candidates: list[str]) -> Found | None:
    # Each base may come as .dat, _h.dat (HD) or _t.dat (thumbnail): prefer HD, then the
    # picture, keep the thumbnail to learn the 4.x tail key and as a last resort.
    bases: list[str] = []
    for relative in candidates:
        base = relative
        for suffix in ("_h.dat", "_t.dat", ".dat"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
                break
        if base not in bases:
            bases.append(base)
    thumbnail = next(
        (p for base in bases if (p := inside(root, base + "_t.dat")) is not None), None
    )
    for suffix, variant in (("_h.dat", "hd"), (".dat", "original")):
        for base in bases:
            path = inside(root, base + suffix)
            if path is not None:
                return Found(path, thumbnail, variant)
    for relative in candidates:  # a path stored whole, e.g. a plain .jpg
        path = inside(root, relative)
        if path is not None and not path.name.endswith("_t.dat"):
            return Found(path, thumbnail)
    if thumbnail is not None:
        return Found(thumbnail, thumbnail, "thumbnail")
    return None


def _candidates(
    data_dir: DataDir, pool: ConnectionPool, message: Message, kind: str
) -> Iterator[str]:
    contents = message.contents
    for key in ("path", "thumbpath"):
        value = contents.get(key)
        if isinstance(value, str) and value:
            yield value
    md5 = str(contents.get("md5") or "")
    month = message.time.strftime("%Y-%m")
    title = str(contents.get("title") or "")
    if data_dir.layout == Layout.V4:
        if kind == "video" and isinstance(contents.get("path"), str):
            yield str(contents["path"]) + ".mp4"
        if md5:
            yield from _v4_hardlink(data_dir, pool.connect, kind, md5)
        if kind == "file" and title:
            yield f"msg/file/{month}/{title}"
    elif data_dir.layout == Layout.WINDOWS_V3:
        if md5:
            yield from _v3_hardlink(data_dir, pool.connect, kind, md5)
        if kind == "file" and title:
            yield f"FileStorage/File/{month}/{title}"
    elif md5:
        yield from _darwin_hardlink(data_dir, pool.connect, md5)


def _rows(
    connect: Connect, path: Path, sql: str, params: tuple[object, ...]
) -> list[tuple[str, ...]]:
    """Rows of a lookup; a missing, locked or differently shaped database yields none."""
    if not path.is_file():
        return []
    try:
        return [tuple(str(v or "") for v in row) for row in connect(path).execute(sql, params)]
    except (sqlite3.Error, DataSourceError):
        return []


def _v4_hardlink(data_dir: DataDir, connect: Connect, kind: str, md5: str) -> Iterator[str]:
    path = data_dir.root / "db_storage" / "hardlink" / "hardlink.db"
    if not path.is_file():
        return
    names = {
        row[0]
        for row in _rows(connect, path, "SELECT name FROM sqlite_master WHERE type='table'", ())
    }
    # v3 tables where they exist, else v4 (since 4.1.0), as chatlog does
    # (docs/wechat-formats.md, "Media").
    table = next(
        (t for t in (f"{kind}_hardlink_info_v3", f"{kind}_hardlink_info_v4") if t in names), None
    )
    if table is None:
        return
    rows = _rows(
        connect,
        path,
        f"SELECT f.file_name, IFNULL(d1.username, ''), IFNULL(d2.username, '') FROM [{table}] f"
        " LEFT JOIN dir2id d1 ON d1.rowid = f.dir1 LEFT JOIN dir2id d2 ON d2.rowid = f.dir2"
        " WHERE f.md5 = ?",
        (md5,),
    )
    for name, dir1, dir2 in reversed(rows):  # the last row wins in chatlog
        if kind == "image":
            yield f"msg/attach/{dir1}/{dir2}/Img/{name}"
        elif kind == "video":
            yield f"msg/video/{dir1}/{name}"
        else:
            yield f"msg/file/{dir1}/{name}"


_V3_TABLES = {"image": "Image", "video": "Video", "file": "File"}


def _v3_hardlink(data_dir: DataDir, connect: Connect, kind: str, md5: str) -> Iterator[str]:
    name = _V3_TABLES[kind]
    path = data_dir.root / "Msg" / f"HardLink{name}.db"
    try:
        key = bytes.fromhex(md5)
    except ValueError:
        return
    rows = _rows(
        connect,
        path,
        f"SELECT a.FileName, IFNULL(d1.Dir, ''), IFNULL(d2.Dir, '') FROM HardLink{name}Attribute a"
        f" LEFT JOIN HardLink{name}ID d1 ON a.DirID1 = d1.DirId"
        f" LEFT JOIN HardLink{name}ID d2 ON a.DirID2 = d2.DirId WHERE a.Md5 = ?",
        (key,),
    )
    for file_name, dir1, dir2 in reversed(rows):
        if kind == "image":
            yield f"FileStorage/MsgAttach/{dir1}/Image/{dir2}/{file_name}"
        elif kind == "video":
            yield f"FileStorage/Video/{dir2}/{file_name}"
        else:
            yield f"FileStorage/File/{dir2}/{file_name}"


def _darwin_hardlink(data_dir: DataDir, connect: Connect, md5: str) -> Iterator[str]:
    # Where hldata.db lives is not known (docs/wechat-formats.md, "Folders and files"): look in
    # the usual folders.
    for folder in ("Message", "hlink", "."):
        path = data_dir.root / folder / "hldata.db"
        rows = _rows(
            connect,
            path,
            "SELECT d.relativePath, d.fileName FROM HlinkMediaRecord r JOIN HlinkMediaDetail d"
            " ON r.inodeNumber = d.inodeNumber WHERE r.mediaMd5 = ?",
            (md5,),
        )
        for relative, file_name in reversed(rows):
            yield f"Message/MessageTemp/{relative}/{file_name}"
