"""Media by reference: find the message, its file or blob, and decode it.

Database and file work runs on the store's worker threads (never on the event loop, which is
the GUI thread in the tray app). Failures are `MediaError`s whose text says what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from server.wechat.connections import ConnectionPool
from server.wechat.layout import DataDir
from server.wechat.media import dat, voice
from server.wechat.media.errors import MediaError, MediaNotFoundError
from server.wechat.media.formats import EXTENSIONS, sniff
from server.wechat.media.image_key import ImageKey
from server.wechat.media.locate import Found, locate, locate_video_thumbnail
from server.wechat.media.refs import matches, media_kind, media_ref, parse_ref
from server.wechat.model import Layout, Message
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore
from server.wechat.timerange import TimeRange

logger = logging.getLogger(__name__)

NO_VOICE_ON_MAC_V3 = (
    "WeChat 3.x for macOS keeps no voice messages on disk (it has no voice database), so this "
    "one cannot be played"
)

# Voice decoded from SILK, by the format asked for (`silk` is the stored blob, as it is).
_VOICE_ENCODINGS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "wav": (voice.pcm_to_wav, "audio/wav"),
    "mp3": (voice.pcm_to_mp3, "audio/mpeg"),
    "ogg": (voice.pcm_to_ogg, "audio/ogg"),
}

MAX_FILE_BYTES = 64 * 1024 * 1024  # read into memory at most; bigger files are streamed
# A video's thumbnail is read into memory; WeChat's are tens of kB, so a bigger file is no
# thumbnail of WeChat's.
MAX_THUMBNAIL_BYTES = 4 * 1024 * 1024
# What a reference that is not a video names, for saying it has no thumbnail.
_NOT_VIDEOS = {"image": "a picture", "voice": "a voice message", "file": "a file"}


@dataclass(frozen=True, slots=True)
class Media:
    """A decoded media item: `data` in memory, or `path` for a file served as it is; for a
    video, the `thumbnail` WeChat kept of it (a picture in memory), when it is on disk."""

    kind: str  # image, voice, video, file
    mime: str
    name: str
    size: int
    message: Message
    data: bytes | None = None
    path: Path | None = None
    details: dict[str, object] = field(default_factory=dict)
    thumbnail: Media | None = None


def media_json(media: Media) -> dict[str, object]:
    message = media.message
    return {
        "ref": media_ref(message),
        "kind": media.kind,
        "mime_type": media.mime,
        "name": media.name,
        "size": media.size,
        "time": message.time.isoformat(),
        "talker": message.talker,
        "sender": message.sender,
        **media.details,
    }


class MediaService:
    def __init__(self, store: ChatStore, image_key: ImageKey | None = None) -> None:
        self._store = store
        self._image_key = image_key
        self._tail_keys: dict[Path, int] = {}  # learned from thumbnails, per folder

    async def message(self, ref: str) -> Message:
        """The media message a reference names.

        Raises MediaError (400) for a malformed reference, MediaNotFoundError when no message
        has it.
        """
        parsed = parse_ref(ref)
        if parsed is None:
            raise MediaError(
                f"{ref!r} is not a media reference: use the ref=… shown in query_chat_log"
            )
        unix_time, digest = parsed
        moment = datetime.fromtimestamp(unix_time).astimezone()
        page = await self._store.messages(MessageQuery(time=TimeRange(moment, moment), limit=0))
        for message in page.items:
            if matches(message, digest):
                return message
        raise MediaNotFoundError(f"no media message has the reference {ref}")

    async def fetch(self, ref: str, *, voice_format: str = "wav") -> Media:
        message = await self.message(ref)
        kind = media_kind(message)
        assert kind is not None
        if kind == "voice":
            return await self._store.run_on_data(
                lambda d, p: self._voice(d, p, message, voice_format)
            )
        return await self._store.run_on_data(lambda d, p: self._file(d, p, message, kind))

    async def fetch_thumbnail(self, ref: str) -> Media:
        """The thumbnail WeChat keeps of a video message: a picture, in memory.

        Raises MediaError (400) for a reference to anything but a video, MediaNotFoundError
        when the video has no thumbnail on this computer.
        """
        message = await self.message(ref)
        return await self._store.run_on_data(lambda d, p: self.decode_thumbnail(d, p, message))

    def decode_thumbnail(self, data_dir: DataDir, pool: ConnectionPool, message: Message) -> Media:
        """`fetch_thumbnail` for callers already on a store worker thread (the window's
        thumbnails). Raises MediaError as it does."""
        kind = media_kind(message)
        if kind != "video":
            what = _NOT_VIDEOS.get(kind or "", "a message without media")
            raise MediaError(f"only a video has a thumbnail, and this reference is {what}")
        thumbnail = self._video_thumbnail(data_dir, pool, message)
        if thumbnail is None:
            raise MediaNotFoundError("WeChat kept no thumbnail of this video on this computer")
        return thumbnail

    def decode(
        self, data_dir: DataDir, pool: ConnectionPool, message: Message, voice_format: str = "wav"
    ) -> Media:
        """The media of `message`, blocking: for callers already on a store worker thread
        (`ChatStore.run_on_data`), such as an export rendering a page of messages.

        Raises MediaError (also for a message that carries no media).
        """
        kind = media_kind(message)
        if kind is None:
            raise MediaError("the message carries no media")
        if kind == "voice":
            return self._voice(data_dir, pool, message, voice_format)
        return self._file(data_dir, pool, message, kind)

    async def voice_pcm(self, message: Message) -> bytes:
        """A voice message as 16-bit mono PCM at `voice.SAMPLE_RATE`, for the window to play.

        Raises MediaError (also for a message that is not a voice message).
        """
        if media_kind(message) != "voice":
            raise MediaError("the message is not a voice message")
        return await self._store.run_on_data(
            lambda d, p: voice.silk_to_pcm(self._voice_blob(d, p, message))
        )

    def _voice_blob(self, data_dir: DataDir, pool: ConnectionPool, message: Message) -> bytes:
        if data_dir.layout == Layout.DARWIN_V3:
            raise MediaNotFoundError(NO_VOICE_ON_MAC_V3)
        server_id = str(message.contents.get("voice") or "")
        blob = voice.voice_blob(data_dir, pool, server_id) if server_id else None
        if blob is None:
            raise MediaNotFoundError("the voice message is not in WeChat's media databases")
        return blob

    def decode_voice_pcm(self, data_dir: DataDir, pool: ConnectionPool, message: Message) -> bytes:
        """`voice_pcm`, blocking: for callers on a store worker thread. Raises MediaError."""
        return voice.silk_to_pcm(self._voice_blob(data_dir, pool, message))

    def _voice(self, data_dir: DataDir, pool: ConnectionPool, message: Message, form: str) -> Media:
        blob = self._voice_blob(data_dir, pool, message)
        if form == "silk":
            stamp = message.time.strftime("%Y%m%d-%H%M%S")
            return Media("voice", "audio/silk", f"voice-{stamp}.silk", len(blob), message, blob)
        return encode_voice(message, voice.silk_to_pcm(blob), form)

    def _file(self, data_dir: DataDir, pool: ConnectionPool, message: Message, kind: str) -> Media:
        found = locate(data_dir, pool, message, kind)
        if found is None:
            what = {"image": "picture", "video": "video", "file": "file"}[kind]
            raise MediaNotFoundError(
                f"the {what} is not on this computer (WeChat may not have downloaded it, or it "
                "was cleaned up)"
            )
        if kind == "image":
            return self._image(message, found)
        size = found.path.stat().st_size
        if kind == "video":
            thumbnail = self._video_thumbnail(data_dir, pool, message)
            details: dict[str, object] = {"has_thumbnail": thumbnail is not None}
            name = found.path.name
            return Media(
                kind, "video/mp4", name, size, message, None, found.path, details, thumbnail
            )
        title = str(message.contents.get("title") or found.path.name)
        return Media(kind, _file_mime(found.path), title, size, message, None, found.path)

    def _video_thumbnail(
        self, data_dir: DataDir, pool: ConnectionPool, message: Message
    ) -> Media | None:
        """The video's thumbnail as a picture in memory; None when there is none that is one."""
        path = locate_video_thumbnail(data_dir, pool, message)
        if path is None:
            return None
        try:
            if path.stat().st_size > MAX_THUMBNAIL_BYTES:
                logger.debug("%s is too big for a video's thumbnail", path.name)
                return None
            data = path.read_bytes()
        except OSError as error:
            logger.debug("the video's thumbnail could not be read: %s", error)
            return None
        mime = sniff(data)
        # A picture as it is: not a video, and not wxgf, which would need converting first.
        if mime is None or mime not in EXTENSIONS or not mime.startswith("image/"):
            logger.debug("%s is not a picture", path.name)
            return None
        details: dict[str, object] = {"variant": "thumbnail"}
        return Media("video", mime, path.name, len(data), message, data, None, details)

    def _image(self, message: Message, found: Found) -> Media:
        raw = found.path.read_bytes()
        tail_key = self._tail_key(found)
        key = self._image_key.secret if self._image_key is not None else None
        picture = dat.decode(raw, key, tail_key)
        stamp = message.time.strftime("%Y%m%d-%H%M%S")
        extension = EXTENSIONS.get(picture.mime, "bin")
        details: dict[str, object] = {"variant": found.variant, "dat_version": picture.version}
        return Media(
            "image",
            picture.mime,
            f"image-{stamp}.{extension}",
            len(picture.data),
            message,
            picture.data,
            None,
            details,
        )

    def _tail_key(self, found: Found) -> int | None:
        folder = found.path.parent
        if folder in self._tail_keys:
            return self._tail_keys[folder]
        if found.thumbnail is None:
            return None
        try:
            learned = dat.learn_tail_key(found.thumbnail.read_bytes())
        except OSError:
            return None
        if learned is not None:
            self._tail_keys[folder] = learned
        return learned


def _file_mime(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    # Not a picture (formats.py), but the documents sent most: named, a link tells a model
    # what it leads to.
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return sniff(head) or "application/octet-stream"


def encode_voice(message: Message, pcm: bytes, form: str) -> Media:
    """The voice message `message`, decoded to `pcm`, encoded as `form` (wav, mp3 or ogg; an
    unknown form gives WAV). It reads no database or file, so any thread may run it.

    Raises MediaError (Ogg: no ffmpeg, no libopus, or out of time).
    """
    if form not in _VOICE_ENCODINGS:
        form = "wav"
    encode, mime = _VOICE_ENCODINGS[form]
    encoded = encode(pcm)
    details: dict[str, object] = {"duration_seconds": round(voice.duration_seconds(pcm), 2)}
    name = f"voice-{message.time.strftime('%Y%m%d-%H%M%S')}.{form}"
    return Media("voice", mime, name, len(encoded), message, encoded, None, details)
