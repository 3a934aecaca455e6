"""JSON: the chat, the span, then every message as the HTTP API's `/chatlog?format=json`
gives it (`server/wechat/serialize.py`), plus its `mediaRef` when it carries media.

Written as a stream, one message per line, so a long chat never sits in memory whole.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from server.wechat.export.collect import ChatCount
from server.wechat.export.options import ExportOptions
from server.wechat.export.renderer import Entry
from server.wechat.media.refs import media_ref
from server.wechat.serialize import message_json


def exported_message(entry: Entry) -> dict[str, Any]:
    item = message_json(entry.message)
    ref = media_ref(entry.message)
    if ref is not None:
        item["mediaRef"] = ref
    return item


class JsonRenderer:
    def __init__(self) -> None:
        self._count = 0

    def head(self, chat: ChatCount, options: ExportOptions) -> str:
        about = {
            "chat": {"talker": chat.talker, "name": chat.name},
            "span": {"start": options.time.start.isoformat(), "end": options.time.end.isoformat()},
            "exportedAt": datetime.now(UTC).isoformat(),
        }
        opening = json.dumps(about, ensure_ascii=False, indent=1)
        return opening[: opening.rindex("}")].rstrip() + ',\n "messages": ['

    def page(self, entries: list[Entry]) -> str:
        lines = []
        for entry in entries:
            separator = "," if self._count else ""
            item = json.dumps(exported_message(entry), ensure_ascii=False)
            lines.append(f"{separator}\n  {item}")
            self._count += 1
        return "".join(lines)

    def tail(self) -> str:
        return f'\n ],\n "count": {self._count}\n}}\n'
