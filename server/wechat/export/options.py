"""What an export is asked for, how far it has come, and why it failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from server.wechat.timerange import ALL_TIME, TimeRange

type ExportFormat = Literal["html", "json", "csv"]
type MediaMode = Literal["inline", "folder", "none"]
type VoiceFormat = Literal["mp3", "wav", "ogg"]

FORMATS: tuple[str, ...] = get_args(ExportFormat.__value__)
MEDIA_MODES: tuple[str, ...] = get_args(MediaMode.__value__)
VOICE_FORMATS: tuple[str, ...] = get_args(VoiceFormat.__value__)
SUFFIXES: dict[str, str] = {"html": ".html", "json": ".json", "csv": ".csv"}


class ExportError(Exception):
    """An export that cannot be done; the text says why and what to do."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """One chat (id or name, as the chat tools take it) over a time span.

    `media` applies to HTML: pictures and voice embedded as `data:` URIs ("inline"), written
    as files into a folder beside the HTML ("folder"), or left as their labels ("none").
    """

    chat: str
    time: TimeRange = ALL_TIME
    format: ExportFormat = "html"
    media: MediaMode = "inline"
    voice_format: VoiceFormat = "mp3"


@dataclass(frozen=True, slots=True)
class ExportProgress:
    """`done` of `total` messages written; `total` is known once the chat is counted."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


type ProgressCallback = Callable[[ExportProgress], None]
