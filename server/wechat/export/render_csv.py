"""CSV: one row per message, quoted by the csv module, with a byte order mark so that
spreadsheet programs read the Chinese text as UTF-8.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a
formula in a spreadsheet (chat text is anyone's input): it gets a leading apostrophe, which
the spreadsheet shows as text (see `formula_safe`).
"""

from __future__ import annotations

import csv
import io

from server.wechat.export.collect import ChatCount
from server.wechat.export.options import ExportOptions
from server.wechat.export.renderer import Entry
from server.wechat.media.refs import media_ref
from server.wechat.render import body_text

HEADER = (
    "Time",
    "SenderName",
    "Sender",
    "IsSelf",
    "TalkerName",
    "Talker",
    "Type",
    "SubType",
    "Content",
    "MediaRef",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _text(rows: list[tuple[object, ...]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


class CsvRenderer:
    def head(self, chat: ChatCount, options: ExportOptions) -> str:
        return "\ufeff" + _text([HEADER])

    def page(self, entries: list[Entry]) -> str:
        rows: list[tuple[object, ...]] = []
        for entry in entries:
            m = entry.message
            rows.append(
                (
                    m.time.isoformat(),
                    formula_safe(m.sender_name),
                    formula_safe(m.sender),
                    int(m.is_self),
                    formula_safe(m.talker_name),
                    formula_safe(m.talker),
                    m.type,
                    m.sub_type,
                    formula_safe(body_text(m)),
                    media_ref(m) or "",
                )
            )
        return _text(rows)

    def tail(self) -> str:
        return ""
