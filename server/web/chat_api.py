"""The chatlog-compatible HTTP API: /api/v1/session, /chatlog, /contact and /chatroom.

Parameters and formats follow chatlog (docs/wechat-formats.md, "chatlog's HTTP API") with its
bugs fixed: CSV is escaped by the csv module, every error has the one shape
`{"error": {"code", "message"}}`, bad parameters answer 400 and unreadable data 503.
Origin/Host/token checks are the app's job, in front.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from quart import Blueprint, Response, request

from server.wechat.errors import DataSourceError, QueryError, QueryTimeoutError, shown
from server.wechat.model import Message
from server.wechat.parameters import check_text, is_unset, parse_count
from server.wechat.query import MessageQuery, Page, split_names
from server.wechat.render import (
    FULL_TIME_FORMAT,
    body_text,
    message_text,
    session_text,
    time_format_for,
)
from server.wechat.serialize import (
    chat_room_json,
    contact_json,
    csv_text,
    message_json,
    session_json,
)
from server.wechat.store import ChatStore
from server.wechat.timerange import ALL_TIME, TimeRange, parse_time_range

logger = logging.getLogger(__name__)

CSV_TYPE = "text/csv; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
JSON_TYPE = "application/json"


def error_response(status: int, code: str, message: str) -> Response:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return Response(body, status=status, content_type=JSON_TYPE)


def _count(name: str) -> int:
    """A count parameter; 0 (no limit, no offset) when not given."""
    return parse_count(name, request.args.get(name)) or 0


def _text(name: str, default: str = "") -> str:
    """A text parameter as given (an empty keyword is no keyword)."""
    return check_text(name, request.args.get(name, default))


def _time() -> TimeRange:
    raw = _text("time")
    return ALL_TIME if is_unset(raw) else parse_time_range(raw.strip())


def _order() -> Literal["asc", "desc"]:
    chosen = request.args.get("order", "").strip().lower()
    if chosen in ("", "asc"):
        return "asc"
    if chosen == "desc":
        return "desc"
    raise QueryError(f"order must be asc or desc, not {shown(chosen)}")


def _format() -> str:
    chosen = request.args.get("format", "").strip().lower()
    return chosen if chosen in ("json", "csv") else "text"


def _json(payload: Any) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), content_type=JSON_TYPE)


def _tabular(header: list[str], rows: list[list[Any]]) -> Response:
    # chatlog's text format for contacts and rooms is the same comma lines; now escaped.
    content_type = CSV_TYPE if _format() == "csv" else TEXT_TYPE
    return Response(csv_text(header, rows), content_type=content_type)


Handler = Callable[[], Awaitable[Response]]


def _guarded(store: ChatStore, handler: Handler) -> Handler:
    async def run() -> Response:
        try:
            response = await handler()
        except QueryTimeoutError as error:
            return error_response(400, "query_timeout", str(error))
        except QueryError as error:
            return error_response(400, "bad_request", str(error))
        except DataSourceError as error:
            return error_response(503, "data_source_error", str(error))
        if store.is_demo:
            response.headers["X-Data-Source"] = "demo"
        return response

    run.__name__ = handler.__name__
    return run


def create_chat_api(store: ChatStore) -> Blueprint:
    """A blueprint serving the four data endpoints from `store`."""
    api = Blueprint("chat_api", __name__, url_prefix="/api/v1")

    async def sessions() -> Response:
        page = await store.sessions(_text("keyword"), _count("limit"), _count("offset"))
        if _format() == "json":
            return _json({"items": [session_json(s) for s in page.items], "total": page.total})
        if _format() == "csv":
            rows = [
                [s.user_name, s.order, s.nick_name, s.content, s.time.strftime(FULL_TIME_FORMAT)]
                for s in page.items
            ]
            header = ["UserName", "NOrder", "NickName", "Content", "NTime"]
            return Response(csv_text(header, rows), content_type=CSV_TYPE)
        text = "".join(session_text(s) + "\n" for s in page.items)
        return Response(text, content_type=TEXT_TYPE)

    async def contacts() -> Response:
        page = await store.contacts(_text("keyword"), _count("limit"), _count("offset"))
        if _format() == "json":
            return _json({"items": [contact_json(c) for c in page.items], "total": page.total})
        rows = [[c.user_name, c.alias, c.remark, c.nick_name] for c in page.items]
        return _tabular(["UserName", "Alias", "Remark", "NickName"], rows)

    async def chat_rooms() -> Response:
        page = await store.chatrooms(_text("keyword"), _count("limit"), _count("offset"))
        if _format() == "json":
            return _json({"items": [chat_room_json(r) for r in page.items], "total": page.total})
        rows = [[r.name, r.remark, r.nick_name, r.owner, len(r.members)] for r in page.items]
        return _tabular(["Name", "Remark", "NickName", "Owner", "UserCount"], rows)

    async def chat_log() -> Response:
        time_range = _time()
        talker_text = _text("talker")
        query = MessageQuery(
            time=time_range,
            talkers=split_names(talker_text),
            senders=split_names(_text("sender")),
            keyword=_text("keyword"),
            limit=_count("limit"),
            offset=_count("offset"),
            order=_order(),
        )
        page = await store.messages(query)
        response = await _chat_log_body(page, query, time_range, talker_text)
        if page.skipped:
            # chatlog's bodies stay as they are (a JSON list, CSV, text): the warning goes in
            # a header, JSON-encoded so that any file name stays ASCII (docs/isolation.md).
            warnings = [skipped.text for skipped in page.skipped]
            response.headers["X-Data-Warnings"] = json.dumps(warnings)
        return response

    async def _chat_log_body(
        page: Page[Message], query: MessageQuery, time_range: TimeRange, talker_text: str
    ) -> Response:
        if _format() == "json":
            return _json([message_json(m) for m in page.items])
        if _format() == "csv":
            rows = [
                [
                    m.time.strftime(FULL_TIME_FORMAT),
                    m.sender_name,
                    m.sender,
                    m.talker_name,
                    m.talker,
                    body_text(m),
                ]
                for m in page.items
            ]
            header = ["Time", "SenderName", "Sender", "TalkerName", "Talker", "Content"]
            response = Response(csv_text(header, rows), content_type=CSV_TYPE)
            name = "_".join(
                [
                    talker_text.replace(",", "+") or "all",
                    time_range.start.strftime("%Y-%m-%d"),
                    time_range.end.strftime("%Y-%m-%d"),
                ]
            )
            safe = "".join(ch if ch.isalnum() or ch in "-_+@." else "_" for ch in name)
            response.headers["Content-Disposition"] = f'attachment; filename="{safe}.csv"'
            return response
        time_format = time_format_for(time_range.start, time_range.end)
        show_talker = len(query.talkers) != 1
        text = "".join(
            message_text(m, time_format, show_talker=show_talker) + "\n" for m in page.items
        )
        return Response(text, content_type=TEXT_TYPE)

    api.add_url_rule("/session", "session", _guarded(store, sessions), methods=["GET"])
    api.add_url_rule("/chatlog", "chatlog", _guarded(store, chat_log), methods=["GET"])
    api.add_url_rule("/contact", "contact", _guarded(store, contacts), methods=["GET"])
    api.add_url_rule("/chatroom", "chatroom", _guarded(store, chat_rooms), methods=["GET"])
    return api
