"""Media fixtures: real pictures encoded into each `.dat` version, SILK voice, videos with
their thumbnails, files, with the hardlink and media tables pointing at them
(docs/wechat-formats.md, "Media").

Used by the tests: `write_media` returns the originals by (talker, seq), so a test can check
that what the server decodes is the very file that was encoded. Deterministic for a dataset.
The tests get small noise pictures and one-second tones; the demo set (`generate(...,
media=True)`) passes its own makers: scenes drawn in pictures.py, tunes in voices.py. Both get
the same videos (the committed clips of clips/, playable) and files (documents drawn in
files.py).
"""

from __future__ import annotations

import io
import math
import random
import re
import sqlite3
import struct
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pysilk
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from PIL import Image

from devtools.demo import clips
from devtools.demo.corpus import SELF, Dataset, DemoMessage, md5_hex
from devtools.demo.files import demo_file
from server.wechat.media import dat
from server.wechat.media.voice import SAMPLE_RATE
from server.wechat.model import Layout

V3_XOR_KEY = 0x5A
V4_TAIL_KEY = 0xA7  # not chatlog's default 0x37, so that learning it is tested
_FORMATS = ("PNG", "JPEG", "GIF")
_MD5_TAG = re.compile(r"<md5>([0-9a-f]{32})</md5>")
_TITLE_TAG = re.compile(r"<title>([^<]*)</title>")
# The time zones furthest from UTC: a month folder named in one zone is that month's in every
# zone unless the message is this close to a month's turn.
_ZONES_SPAN = (timedelta(hours=-12), timedelta(hours=14))

# (message index, message, format, variant) -> the encoded picture. Variants: "original"
# (the picture served; the HD one where there is one), "smaller" (the standard picture beside
# an HD one) and "thumbnail" (`*_t.dat`, asked for as JPEG, as WeChat's are).
Pictures = Callable[[int, DemoMessage, str, str], bytes]
# (message index, message) -> SILK voice as WeChat stores it.
Voices = Callable[[int, DemoMessage], bytes]


@dataclass(slots=True)
class MediaFixtures:
    """The originals by (talker, seq): pictures, voice as stored (SILK), videos, the videos'
    thumbnails (in the layouts where WeChat's place for them is known), files."""

    images: dict[tuple[str, int], bytes] = field(default_factory=dict)
    image_versions: dict[tuple[str, int], str] = field(default_factory=dict)
    voices: dict[tuple[str, int], bytes] = field(default_factory=dict)
    videos: dict[tuple[str, int], bytes] = field(default_factory=dict)
    video_thumbnails: dict[tuple[str, int], bytes] = field(default_factory=dict)
    files: dict[tuple[str, int], bytes] = field(default_factory=dict)


def picture(index: int, fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small noisy picture (noise keeps it kilobytes long, past the 4.x AES part)."""
    rng = random.Random(index)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def noise_pictures(index: int, message: DemoMessage, fmt: str, variant: str) -> bytes:
    """The tests' pictures (`Pictures`): noise, the smaller one beside an HD one a different
    picture, so that a test sees which of the two was served."""
    if variant == "thumbnail":
        return picture(index, "JPEG", (8, 6))
    if variant == "smaller":
        return picture(index + 1, "JPEG", (16, 16))
    return picture(index, fmt)


def tone_voices(index: int, message: DemoMessage) -> bytes:
    """The tests' voices (`Voices`): a one-second tone."""
    return silk(index)


def silk(index: int, seconds: float = 1.0) -> bytes:
    """A tone encoded to SILK the way WeChat stores it (0x02 then `#!SILK_V3`)."""
    frequency = 220 + 40 * (index % 10)
    samples = int(SAMPLE_RATE * seconds)
    pcm = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE)))
        for i in range(samples)
    )
    output = io.BytesIO()
    pysilk.encode(io.BytesIO(pcm), output, SAMPLE_RATE, 24_000, tencent=True)
    return output.getvalue()


def encode_v3(data: bytes, key: int = V3_XOR_KEY) -> bytes:
    return dat.xor(data, key)


def encode_v4(
    data: bytes, aes_key: bytes | None = None, tail_key: int = V4_TAIL_KEY, xor_length: int = 200
) -> bytes:
    """A 4.x `.dat`: V1 without `aes_key`, V2 with it (docs/wechat-formats.md, "Media")."""
    magic = dat.V1_MAGIC if aes_key is None else dat.V2_MAGIC
    xor_length = max(0, min(xor_length, len(data) // 2))
    aes_length = min(1024, len(data) - xor_length)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data[:aes_length]) + padder.finalize()
    encryptor = Cipher(algorithms.AES(aes_key or dat.V1_KEY), modes.ECB()).encryptor()
    encrypted = encryptor.update(padded) + encryptor.finalize()
    middle = data[aes_length : len(data) - xor_length]
    tail = dat.xor(data[len(data) - xor_length :], tail_key) if xor_length else b""
    header = magic + b"\x08\x07" + struct.pack("<II", aes_length, xor_length) + b"\x01"
    return header + encrypted + middle + tail


def _month(unix_time: int, zone: tzinfo | None = None) -> str:
    # Without a zone, this computer's, as the readers compute it.
    return datetime.fromtimestamp(unix_time, zone).strftime("%Y-%m")


def _month_depends_on_zone(unix_time: int) -> bool:
    moment = datetime.fromtimestamp(unix_time, UTC)
    earliest, latest = (moment + offset for offset in _ZONES_SPAN)
    return earliest.strftime("%Y-%m") != latest.strftime("%Y-%m")


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _db(path: Path, statements: Iterable[str]) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    return connection


def write_media(
    dataset: Dataset,
    root: Path,
    layout: Layout,
    image_key: bytes | None = None,
    *,
    pictures: Pictures = noise_pictures,
    voices: Voices = tone_voices,
    month_zone: tzinfo | None = None,
) -> MediaFixtures:
    """Write the media of `dataset`'s messages for `layout` under `root` (every layout; macOS
    3.x has pictures, videos and files, no voice: WeChat keeps none there).

    Pictures cycle through PNG, JPEG and GIF; on 4.x they alternate V1 and V2 (V2 only when
    an `image_key` is given); every third picture is reachable only through the hardlink
    table; every fifth has an HD variant (`_h.dat`, which wins). Videos are the committed
    clips in turn, with a JPEG of the first frame as the thumbnail WeChat keeps beside them
    (4.x and Windows 3.x); every third video is reachable only through the hardlink table.
    Files are documents drawn under their names (files.py).

    4.x folders are named by month, which the readers compute in the time zone of the computer
    they run on. `month_zone` None names them in this computer's zone (tests, which read where
    they write); a zone (the demo set, read anywhere) names them in that zone, and a picture or
    video whose month is another one in some time zone is also put in the hardlink table, which
    names its folder, so that it is found in every zone.
    """
    fixtures = MediaFixtures()
    if layout == Layout.V4:
        _write_v4(dataset.messages, root, image_key, fixtures, pictures, voices, month_zone)
    elif layout == Layout.WINDOWS_V3:
        _write_v3(dataset.messages, root, fixtures, pictures, voices)
    elif layout == Layout.DARWIN_V3:
        _write_darwin_v3(dataset.messages, root, fixtures, pictures)
    return fixtures


def _write_v4(
    messages: list[DemoMessage],
    root: Path,
    image_key: bytes | None,
    fixtures: MediaFixtures,
    pictures: Pictures,
    voice_of: Voices,
    month_zone: tzinfo | None,
) -> None:
    hardlink: list[tuple[str, str, str, str, str]] = []  # kind, md5, name, dir1, dir2
    voices: list[tuple[int, bytes]] = []
    for index, m in enumerate(messages):
        key = (m.talker, m.seq)
        month = _month(m.time, month_zone)
        everywhere = month_zone is not None and _month_depends_on_zone(m.time)
        if m.type == 3:
            original = pictures(index, m, _FORMATS[index % 3], "original")
            use_v2 = image_key is not None and index % 2 == 1
            encoded = encode_v4(original, image_key if use_v2 else None)
            fixtures.image_versions[key] = "4.x-v2" if use_v2 else "4.x-v1"
            folder = root / "msg" / "attach" / md5_hex(m.talker) / month / "Img"
            name = f"{m.image_md5[:12]}-hl" if index % 3 == 0 else m.image_md5
            if index % 3 == 0 or everywhere:
                hardlink.append(("image", m.image_md5, name + ".dat", md5_hex(m.talker), month))
            if index % 5 == 0:  # an HD picture beside a smaller one: the HD one is served
                smaller = pictures(index, m, "JPEG", "smaller")
                _put(folder / f"{name}.dat", encode_v4(smaller))
                _put(folder / f"{name}_h.dat", encoded)
            else:
                _put(folder / f"{name}.dat", encoded)
            _put(folder / f"{name}_t.dat", encode_v4(pictures(index, m, "JPEG", "thumbnail")))
            fixtures.images[key] = original
        elif m.type == 34:
            blob = voice_of(index, m)
            voices.append((m.server_id, blob))
            fixtures.voices[key] = blob
        elif m.type == 43:
            # The thumbnail sits beside the video as <name>_thumb.jpg (docs/wechat-formats.md,
            # "Media"); every third video is found only through the hardlink table.
            name = f"{m.video_md5[:12]}-hl" if index % 3 == 0 else m.video_md5
            video, thumbnail = _video(index)
            _put(root / "msg" / "video" / month / f"{name}.mp4", video)
            _put(root / "msg" / "video" / month / f"{name}_thumb.jpg", thumbnail)
            if index % 3 == 0 or everywhere:
                hardlink.append(("video", m.video_md5, f"{name}.mp4", month, ""))
            fixtures.videos[key] = video
            fixtures.video_thumbnails[key] = thumbnail
        elif m.type == 49 and m.sub_type == 6:
            md5, title = _file_fields(m)
            data = demo_file(index, m, title)
            file_dir = f"{month}-{md5[:6]}"  # names repeat: one folder each keeps them apart
            hardlink.append(("file", md5, title, file_dir, ""))
            _put(root / "msg" / "file" / file_dir / title, data)
            fixtures.files[key] = data
    _v4_hardlink_db(root / "db_storage" / "hardlink" / "hardlink.db", hardlink)
    with closing(
        _db(
            root / "db_storage" / "message" / "media_0.db",
            [
                "CREATE TABLE VoiceInfo(chat_name_id INTEGER, create_time INTEGER,"
                " local_id INTEGER, svr_id INTEGER, voice_data BLOB, data_index TEXT)"
            ],
        )
    ) as db:
        db.executemany(
            "INSERT INTO VoiceInfo(chat_name_id, create_time, local_id, svr_id, voice_data,"
            " data_index) VALUES (0, 0, 0, ?, ?, '0')",
            voices,
        )
        db.commit()


def _v4_hardlink_db(path: Path, rows: list[tuple[str, str, str, str, str]]) -> None:
    statements = ["CREATE TABLE dir2id(username TEXT)"]
    for kind in ("image", "video", "file"):
        statements.append(
            f"CREATE TABLE {kind}_hardlink_info_v4(md5_hash INTEGER, md5 TEXT, type INTEGER,"
            " file_name TEXT, file_size INTEGER, modify_time INTEGER, dir1 INTEGER,"
            " dir2 INTEGER, _rowid INTEGER, extra_buffer BLOB)"
        )
    with closing(_db(path, statements)) as db:
        dirs: dict[str, int] = {}

        def dir_id(name: str) -> int:
            if name not in dirs:
                cursor = db.execute("INSERT INTO dir2id(username) VALUES (?)", (name,))
                dirs[name] = int(cursor.lastrowid or 0)
            return dirs[name]

        for kind, md5, name, dir1, dir2 in rows:
            db.execute(
                f"INSERT INTO {kind}_hardlink_info_v4(md5_hash, md5, type, file_name, file_size,"
                " modify_time, dir1, dir2) VALUES (0, ?, 0, ?, 0, 0, ?, ?)",
                (md5, name, dir_id(dir1), dir_id(dir2) if dir2 else 0),
            )
        db.commit()


def _write_v3(
    messages: list[DemoMessage],
    root: Path,
    fixtures: MediaFixtures,
    pictures: Pictures,
    voice_of: Voices,
) -> None:
    images: list[tuple[bytes, str, str, str]] = []  # md5, file name, dir1, dir2
    videos: list[tuple[bytes, str, str, str]] = []
    files: list[tuple[bytes, str, str, str]] = []
    voices: list[tuple[int, bytes]] = []
    for index, m in enumerate(messages):
        key = (m.talker, m.seq)
        if m.type == 3:
            # The generator's BytesExtra points at MsgAttach/<md5(talker)>/Image/2024-01/.
            original = pictures(index, m, _FORMATS[index % 3], "original")
            attach = root / "FileStorage" / "MsgAttach" / md5_hex(m.talker)
            if index % 3 == 0:  # only the hardlink table knows this one
                name = f"{m.image_md5[:12]}-hl.dat"
                images.append((bytes.fromhex(m.image_md5), name, md5_hex(m.talker), "2024-02"))
                _put(attach / "Image" / "2024-02" / name, encode_v3(original))
            else:
                _put(attach / "Image" / "2024-01" / f"{m.image_md5}.dat", encode_v3(original))
            _put(
                attach / "Thumb" / "2024-01" / f"{m.image_md5}_t.dat",
                encode_v3(pictures(index, m, "JPEG", "thumbnail")),
            )
            fixtures.images[key] = original
            fixtures.image_versions[key] = "3.x"
        elif m.type == 34:
            blob = voice_of(index, m)
            voices.append((m.server_id, blob))
            fixtures.voices[key] = blob
        elif m.type == 43:
            # The generator's BytesExtra points at Video/2024-01/<md5>.mp4; every third video is
            # elsewhere, found only through the hardlink table. The thumbnail sits beside the
            # video as <name>.jpg (docs/wechat-formats.md, "Media").
            if index % 3 == 0:
                folder, name = "2024-02", f"{m.video_md5[:12]}-hl"
                videos.append((bytes.fromhex(m.video_md5), f"{name}.mp4", SELF, folder))
            else:
                folder, name = "2024-01", m.video_md5
            video, thumbnail = _video(index)
            _put(root / "FileStorage" / "Video" / folder / f"{name}.mp4", video)
            _put(root / "FileStorage" / "Video" / folder / f"{name}.jpg", thumbnail)
            fixtures.videos[key] = video
            fixtures.video_thumbnails[key] = thumbnail
        elif m.type == 49 and m.sub_type == 6:
            md5, title = _file_fields(m)
            data = demo_file(index, m, title)
            folder = f"2024-03-{md5[:6]}"  # names repeat: one folder each keeps them apart
            files.append((bytes.fromhex(md5), title, SELF, folder))
            _put(root / "FileStorage" / "File" / folder / title, data)
            fixtures.files[key] = data
    for name, rows in (("Image", images), ("File", files), ("Video", videos)):
        with closing(
            _db(
                root / "Msg" / f"HardLink{name}.db",
                [
                    f"CREATE TABLE HardLink{name}ID(DirId INTEGER PRIMARY KEY, Dir TEXT)",
                    f"CREATE TABLE HardLink{name}Attribute(Md5Hash INTEGER, Md5 BLOB,"
                    " FileName TEXT, FileSize INTEGER, ModifyTime INTEGER, DirID1 INTEGER,"
                    " DirID2 INTEGER)",
                ],
            )
        ) as db:
            dirs: dict[str, int] = {}
            for md5_bytes, file_name, dir1, dir2 in rows:
                ids = []
                for folder in (dir1, dir2):
                    if folder not in dirs:
                        dirs[folder] = len(dirs) + 1
                        db.execute(
                            f"INSERT INTO HardLink{name}ID VALUES (?, ?)", (dirs[folder], folder)
                        )
                    ids.append(dirs[folder])
                db.execute(
                    f"INSERT INTO HardLink{name}Attribute VALUES (0, ?, ?, 0, 0, ?, ?)",
                    (md5_bytes, file_name, ids[0], ids[1]),
                )
            db.commit()
    with closing(
        _db(
            root / "Msg" / "Multi" / "MediaMSG0.db",
            ["CREATE TABLE Media(Key TEXT, Reserved0 INTEGER, Buf BLOB, Reserved1 INTEGER)"],
        )
    ) as db:
        db.executemany("INSERT INTO Media VALUES ('', ?, ?, 0)", voices)
        db.commit()


def _write_darwin_v3(
    messages: list[DemoMessage], root: Path, fixtures: MediaFixtures, pictures: Pictures
) -> None:
    """macOS 3.x: every medium by its md5 through `hldata.db` (HlinkMediaRecord, then
    HlinkMediaDetail by inode) under Message/MessageTemp/<relativePath>/<fileName>
    (docs/wechat-formats.md, "Media"). Pictures alternate plain files and 3.x XOR `.dat`.
    Videos have no thumbnail: where WeChat keeps one in this layout is not known (same
    section)."""
    records: list[tuple[str, int, int]] = []  # md5, size, inode
    details: list[tuple[int, str, str]] = []  # inode, relative path, file name
    for index, m in enumerate(messages):
        key = (m.talker, m.seq)
        folder = md5_hex(m.talker)
        if m.type == 3:
            original = pictures(index, m, _FORMATS[index % 3], "original")
            stored = original if index % 2 else encode_v3(original)
            md5, relative, name = m.image_md5, f"{folder}/Image", f"{m.server_id}.pic"
            fixtures.images[key] = original
            fixtures.image_versions[key] = "plain" if index % 2 else "3.x"
        elif m.type == 43:
            stored = clips.clip(clips.clip_for(index))
            md5, relative, name = m.video_md5, f"{folder}/Video", f"{m.server_id}.mp4"
            fixtures.videos[key] = stored
        elif m.type == 49 and m.sub_type == 6:
            md5, title = _file_fields(m)
            stored = demo_file(index, m, title)
            relative, name = f"{folder}/File/{md5[:6]}", title
            fixtures.files[key] = stored
        else:
            continue
        _put(root / "Message" / "MessageTemp" / relative / name, stored)
        inode = 1000 + index
        records.append((md5, len(stored), inode))
        details.append((inode, relative, name))
    with closing(
        _db(
            root / "Message" / "hldata.db",
            [
                "CREATE TABLE HlinkMediaRecord(mediaMd5 TEXT, mediaSize INTEGER,"
                " inodeNumber INTEGER, modifyTime INTEGER)",
                "CREATE TABLE HlinkMediaDetail(inodeNumber INTEGER, relativePath TEXT,"
                " fileName TEXT)",
            ],
        )
    ) as db:
        db.executemany("INSERT INTO HlinkMediaRecord VALUES (?, ?, ?, 0)", records)
        db.executemany("INSERT INTO HlinkMediaDetail VALUES (?, ?, ?)", details)
        db.commit()


def _file_fields(m: DemoMessage) -> tuple[str, str]:
    md5 = _MD5_TAG.search(m.body)
    title = _TITLE_TAG.search(m.body)
    assert md5 is not None and title is not None
    return md5.group(1), title.group(1)


def _video(index: int) -> tuple[bytes, bytes]:
    """Video message number `index`'s video and thumbnail: one of the few clips in turn."""
    name = clips.clip_for(index)
    return clips.clip(name), clips.thumbnail(name)
