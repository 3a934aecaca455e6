"""What every format's renderer does: a head, pages of entries, a tail, each as text.

Pages are rendered on a store worker thread, one after another; the head and the tail on
the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from server.wechat.export.attach import Attachment
from server.wechat.export.collect import ChatCount
from server.wechat.export.options import ExportOptions
from server.wechat.model import Message


@dataclass(frozen=True, slots=True)
class Entry:
    message: Message
    attachment: Attachment | None = None


class Renderer(Protocol):
    def head(self, chat: ChatCount, options: ExportOptions) -> str: ...

    def page(self, entries: list[Entry]) -> str: ...

    def tail(self) -> str: ...


def renderer_for(options: ExportOptions) -> Renderer:
    # Imported here so that each format's module stays on its own.
    if options.format == "json":
        from server.wechat.export.render_json import JsonRenderer

        return JsonRenderer()
    if options.format == "csv":
        from server.wechat.export.render_csv import CsvRenderer

        return CsvRenderer()
    from server.wechat.export.render_html import HtmlRenderer

    return HtmlRenderer()
