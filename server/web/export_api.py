"""`GET /api/v1/export`: one chat over a time span as HTML, JSON or CSV, streamed.

`talker` names the chat (id or name), `time` the span (as on /chatlog), `format` is html,
json or csv; for HTML, `media=inline` (default) embeds pictures and voice as `data:` URIs and
`media=none` leaves their labels, `voice=mp3` (default), `wav` or `ogg` (Opus, needs ffmpeg:
without it the answer is a 400 saying so) chooses the audio. Errors
found before the first byte (a bad parameter, an unknown chat, unreadable data) are the
API's usual JSON errors; the body then streams page by page, so a long chat never sits in
memory whole. Origin, Host and token checks are the app's job, in front.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import cast
from urllib.parse import quote

from quart import Blueprint, Response, request

from server.web.chat_api import error_response
from server.wechat.errors import DataSourceError, QueryError
from server.wechat.export.engine import export_chunks, prepare
from server.wechat.export.options import (
    FORMATS,
    MEDIA_MODES,
    SUFFIXES,
    VOICE_FORMATS,
    ExportError,
    ExportFormat,
    ExportOptions,
    MediaMode,
    VoiceFormat,
)
from server.wechat.media.service import MediaService
from server.wechat.parameters import is_unset
from server.wechat.store import ChatStore
from server.wechat.timerange import ALL_TIME, parse_time_range

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    chosen = request.args.get(name, default).strip().lower() or default
    if chosen not in allowed:
        raise QueryError(f"{name} must be one of {', '.join(allowed)}")
    return chosen


def _options() -> ExportOptions:
    talker = request.args.get("talker", "").strip()
    if not talker:
        raise QueryError("talker is required: the id or name of the chat to export")
    raw_time = request.args.get("time", "")
    span = ALL_TIME if is_unset(raw_time) else parse_time_range(raw_time.strip())
    media = _choice("media", "inline", tuple(m for m in MEDIA_MODES if m != "folder"))
    return ExportOptions(
        chat=talker,
        time=span,
        format=cast(ExportFormat, _choice("format", "html", FORMATS)),
        media=cast(MediaMode, media),
        voice_format=cast(VoiceFormat, _choice("voice", "mp3", VOICE_FORMATS)),
    )


def file_name(chat: str, options: ExportOptions) -> str:
    safe = re.sub(r"[^\w@.+-]", "_", chat)[:80] or "chat"
    return f"{safe}{SUFFIXES[options.format]}"


def create_export_api(store: ChatStore, media: MediaService) -> Blueprint:
    api = Blueprint("export_api", __name__)

    @api.get("/api/v1/export")
    async def export() -> Response:
        try:
            options = _options()
            chat = await prepare(store, options)
        except (QueryError, ExportError) as error:
            return error_response(400, "bad_request", str(error))
        except DataSourceError as error:
            return error_response(503, "data_source_error", str(error))

        async def body() -> AsyncIterator[bytes]:
            try:
                async for chunk in export_chunks(store, media, options, chat):
                    yield chunk.encode("utf-8")
            except (DataSourceError, QueryError) as error:
                # The status is sent: the connection is cut instead of ending the body
                # normally, so the client sees an incomplete transfer, never a file that
                # merely looks complete; the log says why.
                logger.warning("an export stopped part way: %s", error)
                raise

        name = file_name(chat.talker, options)
        response = Response(body(), content_type=CONTENT_TYPES[options.format])
        response.timeout = None  # a long chat may stream for longer than Quart's default
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Export-Messages"] = str(chat.total)
        if store.is_demo:
            response.headers["X-Data-Source"] = "demo"
        return response

    return api
