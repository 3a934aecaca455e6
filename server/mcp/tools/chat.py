"""The WeChat tools, named as in chatlog so its users' prompts keep working.

`query_recent_chat`, `query_contact`, `query_chat_room` and `query_chat_log` read through a
`ChatStore`. Each answer is a text for the model plus the same data as structured content;
pages are capped and end with a "N more, call again with offset=..." hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from server.mcp.tools.base import Tool, ToolContext, ToolError, ToolResult
from server.wechat.errors import DataSourceError, QueryError
from server.wechat.media.refs import media_ref, text_with_ref
from server.wechat.model import ChatRoom, Message
from server.wechat.parameters import MAX_COUNT, check_text
from server.wechat.query import MessageQuery, Page, split_names
from server.wechat.render import SELF_NAME, body_text, message_text, session_text, time_format_for
from server.wechat.serialize import csv_text
from server.wechat.store import ChatStore
from server.wechat.timerange import ALL_TIME, TimeRange, parse_time_range
from server.wechat.unreadable import SkippedShard

DEMO_LABEL = "demo data"
# The demo set's fixed time span (START_TIME/END_TIME in devtools/demo/corpus.py; a test
# keeps the two in step), so a model asking about "last week" on the demo data learns why
# nothing matches and which dates to use instead.
DEMO_SPAN = "2024-01-01 to 2024-12-31"
DEMO_NOTICE = (
    f"[demo data: invented sample chats, not the user's WeChat history; they span "
    f"{DEMO_SPAN}, so use time ranges within it]\n"
)
NO_MESSAGES = "未找到符合查询条件的聊天记录 (no chat records matched the query)"
TEXT_BUDGET = 30_000  # characters of message text per call, to spare the model's context
MEMBERS_SHOWN = 50


def _non_negative(value: object) -> object:
    # chatlog's clients send limit/offset as numbers or numeric strings; "" means unset.
    if value is None or value == "":
        return None
    return value


def _valid_text(value: str | None, info: ValidationInfo) -> str | None:
    # The shared rule (server/wechat/parameters.py); pydantic names the field in the error.
    if value is not None:
        check_text(info.field_name or "argument", value)
    return value


# The bounds sit on the int alone: on the union they would be applied to null too.
Count = Annotated[Annotated[int, Field(ge=0, le=MAX_COUNT)] | None, BeforeValidator(_non_negative)]
Text = Annotated[str | None, AfterValidator(_valid_text)]


class _Arguments(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    keyword: Text = Field(None, description="Text to look for (see the tool description).")
    limit: Count = Field(None, description="Items per page (capped; default shown above).")
    offset: Count = Field(None, description="Items to skip, from the previous page's hint.")


class RecentChatArguments(_Arguments):
    pass


class ContactArguments(_Arguments):
    pass


class ChatRoomArguments(_Arguments):
    pass


class ChatLogArguments(_Arguments):
    time: Text = Field(
        None,
        description="Time range, e.g. 2024-05-01, 2024-05, 2024, 2024Q2, "
        "2024-05-01/09:30~2024-05-01/18:00, 2024-05-01~2024-05-31, today, yesterday, "
        "this-week, last-month, last-7d, 3h-ago~now, all (the default).",
    )
    talker: Text = Field(
        None,
        description="Chat(s): user id, alias, remark, nickname or group name; several "
        "separated by commas. Omit to search every chat.",
    )
    sender: Text = Field(
        None, description="In group chats: sender id or name; several separated by commas."
    )
    keyword: Text = Field(
        None,
        description="RE2 regular expression matched against each message's text (no "
        "backreferences or lookaround).",
    )
    order: Literal["asc", "desc"] = Field("asc", description="asc: oldest first (default).")


class Pagination(BaseModel):
    source: str = Field(description="'demo data' when serving the bundled sample data.")
    total: int = Field(description="Items matching the query.")
    offset: int
    returned: int
    next_offset: int | None = Field(description="Offset of the next page; null at the end.")


class SessionItem(BaseModel):
    user_name: str
    name: str
    time: str
    last_message: str


class RecentChats(Pagination):
    sessions: list[SessionItem]


class ContactItem(BaseModel):
    user_name: str
    alias: str
    remark: str
    nick_name: str
    is_friend: bool


class Contacts(Pagination):
    contacts: list[ContactItem]


class MemberItem(BaseModel):
    user_name: str
    display_name: str


class ChatRoomItem(BaseModel):
    name: str
    remark: str
    nick_name: str
    owner: str
    member_count: int
    members: list[MemberItem] = Field(description=f"Up to {MEMBERS_SHOWN} members.")


class ChatRooms(Pagination):
    chat_rooms: list[ChatRoomItem]


class MessageItem(BaseModel):
    time: str
    talker: str = Field(description="The chat's id; its name is in `names`.")
    sender: str = Field(description="The sender's id; the name is in `names`.")
    is_self: bool
    type: int
    sub_type: int
    text: str
    media_ref: str | None = Field(
        None, description="For get_media: pictures, voice, videos, files."
    )


class SkippedFileItem(BaseModel):
    file: str
    reason: str
    start: str | None = Field(description="Start of the time span that may be missing.")
    end: str | None = Field(description="End of that span; null: up to now.")


class ChatLog(Pagination):
    start: str
    end: str
    talkers: list[str] = Field(description="The chats the talker argument resolved to.")
    names: dict[str, str] = Field(
        description="Display name of every chat and sender id in `messages`, given once."
    )
    messages: list[MessageItem]
    skipped_files: list[SkippedFileItem] = Field(
        default_factory=list,
        description="Message databases that could not be read: their messages are missing.",
    )


def _skipped_item(skipped: SkippedShard) -> SkippedFileItem:
    def when(unix: int | None) -> str | None:
        return datetime.fromtimestamp(unix).astimezone().isoformat() if unix else None

    return SkippedFileItem(
        file=skipped.file, reason=skipped.reason, start=when(skipped.start), end=when(skipped.end)
    )


def _limit(requested: int | None, default: int, cap: int) -> int:
    return default if not requested else min(requested, cap)


def _cap_notice(requested: int | None, cap: int) -> str:
    """Said when a limit over the tool's cap was lowered, so the model knows why."""
    if requested is None or requested <= cap:
        return ""
    return f"\n(limit {requested} is over this tool's cap of {cap}: {cap} per page.)"


async def _chat_exists(store: ChatStore, name: str) -> bool:
    """Whether a talker argument names any contact or group (by id, alias, remark or name)."""
    contacts = await store.contacts(name, 1, 0)
    return bool(contacts.total) or bool((await store.chatrooms(name, 1, 0)).total)


def _members_text(rooms: list[ChatRoom]) -> str:
    lines = []
    for room in rooms:
        shown = [m.display_name or m.user_name for m in room.members[:MEMBERS_SHOWN]]
        more = len(room.members) - len(shown)
        line = f"Members of {room.nick_name or room.remark or room.name}: " + ", ".join(shown)
        lines.append(line + (f" (+{more} more)" if more > 0 else ""))
    return "\n".join(lines)


def _pagination(store: ChatStore, page: Page[object], returned: int) -> dict[str, object]:
    next_offset = page.offset + returned if page.offset + returned < page.total else None
    return {
        "source": DEMO_LABEL if store.is_demo else "WeChat data",
        "total": page.total,
        "offset": page.offset,
        "returned": returned,
        "next_offset": next_offset,
    }


def _framed(store: ChatStore, body: str, total: int, next_offset: int | None) -> str:
    text = (DEMO_NOTICE if store.is_demo else "") + body
    if next_offset is not None:
        more = total - next_offset
        text += f"\n{more} more, call again with offset={next_offset}."
    return text


async def _guarded[T](call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except (DataSourceError, QueryError) as error:
        raise ToolError(str(error)) from error


def chat_tools(store: ChatStore) -> list[Tool]:
    """The four WeChat tools bound to `store`."""

    async def recent_chats(_context: ToolContext, args: RecentChatArguments) -> ToolResult:
        limit = _limit(args.limit, 30, 100)
        page = await _guarded(lambda: store.sessions(args.keyword, limit, args.offset or 0))
        sessions = page.items
        output = RecentChats(
            **_pagination(store, page, len(sessions)),  # type: ignore[arg-type]
            sessions=[
                SessionItem(
                    user_name=s.user_name,
                    name=s.nick_name,
                    time=s.time.isoformat(),
                    last_message=s.content,
                )
                for s in sessions
            ],
        )
        body = "".join(session_text(s) + "\n" for s in sessions) or "No chats found."
        text = _framed(store, body, page.total, output.next_offset) + _cap_notice(args.limit, 100)
        return ToolResult.text(text, structured=output.model_dump(mode="json"))

    async def contacts(_context: ToolContext, args: ContactArguments) -> ToolResult:
        limit = _limit(args.limit, 50, 200)
        page = await _guarded(lambda: store.contacts(args.keyword, limit, args.offset or 0))
        output = Contacts(
            **_pagination(store, page, len(page.items)),  # type: ignore[arg-type]
            contacts=[
                ContactItem(
                    user_name=c.user_name,
                    alias=c.alias,
                    remark=c.remark,
                    nick_name=c.nick_name,
                    is_friend=c.is_friend,
                )
                for c in page.items
            ],
        )
        rows = [[c.user_name, c.alias, c.remark, c.nick_name] for c in page.items]
        body = csv_text(["UserName", "Alias", "Remark", "NickName"], rows)
        text = _framed(store, body, page.total, output.next_offset) + _cap_notice(args.limit, 200)
        return ToolResult.text(text, structured=output.model_dump(mode="json"))

    async def chat_rooms(_context: ToolContext, args: ChatRoomArguments) -> ToolResult:
        limit = _limit(args.limit, 20, 100)
        page = await _guarded(lambda: store.chatrooms(args.keyword, limit, args.offset or 0))
        output = ChatRooms(
            **_pagination(store, page, len(page.items)),  # type: ignore[arg-type]
            chat_rooms=[_room_item(room) for room in page.items],
        )
        rows = [[r.name, r.remark, r.nick_name, r.owner, str(len(r.members))] for r in page.items]
        body = csv_text(["Name", "Remark", "NickName", "Owner", "UserCount"], rows)
        if page.items:  # who is in each group, for the sender filter of query_chat_log
            body += "\n" + _members_text(page.items) + "\n"
        text = _framed(store, body, page.total, output.next_offset) + _cap_notice(args.limit, 100)
        return ToolResult.text(text, structured=output.model_dump(mode="json"))

    async def chat_log(_context: ToolContext, args: ChatLogArguments) -> ToolResult:
        try:
            time_range = parse_time_range(args.time) if args.time else ALL_TIME
        except QueryError as error:
            raise ToolError(str(error)) from error
        talkers = split_names(args.talker)
        query = MessageQuery(
            time=time_range,
            talkers=talkers,
            senders=split_names(args.sender),
            keyword=args.keyword or "",
            limit=_limit(args.limit, 50, 200),
            offset=args.offset or 0,
            order=args.order,
        )
        page = await _guarded(lambda: store.messages(query))
        time_format = time_format_for(time_range.start, time_range.end)
        show_talker = len(talkers) != 1
        chunks: list[str] = []
        shown: list[Message] = []
        used = 0
        for message in page.items:
            rendered = message_text(message, time_format, show_talker=show_talker)
            chunk = text_with_ref(rendered, message) + "\n"
            if shown and used + len(chunk) > TEXT_BUDGET:
                break  # the rest comes with the next offset
            chunks.append(chunk)
            shown.append(message)
            used += len(chunk)
        output = ChatLog(
            **_pagination(store, page, len(shown)),  # type: ignore[arg-type]
            start=time_range.start.isoformat(),
            end=time_range.end.isoformat(),
            talkers=list(page.talkers),
            names=_names(shown),
            messages=[_message_item(m) for m in shown],
            skipped_files=[_skipped_item(skipped) for skipped in page.skipped],
        )
        body = "".join(chunks) if shown else await _nothing_found(store, talkers, time_range)
        text = _framed(store, body, page.total, output.next_offset) + _cap_notice(args.limit, 200)
        for skipped in page.skipped:
            text += f"\nWarning: {skipped.text}"
        return ToolResult.text(text, structured=output.model_dump(mode="json"))

    return [
        Tool(
            name="query_recent_chat",
            title="Recent WeChat chats",
            description=RECENT_DESCRIPTION,
            arguments=RecentChatArguments,
            output=RecentChats,
            handler=recent_chats,
        ),
        Tool(
            name="query_contact",
            title="WeChat contacts",
            description=CONTACT_DESCRIPTION,
            arguments=ContactArguments,
            output=Contacts,
            handler=contacts,
        ),
        Tool(
            name="query_chat_room",
            title="WeChat group chats",
            description=CHAT_ROOM_DESCRIPTION,
            arguments=ChatRoomArguments,
            output=ChatRooms,
            handler=chat_rooms,
        ),
        Tool(
            name="query_chat_log",
            title="WeChat chat history",
            description=CHAT_LOG_DESCRIPTION,
            arguments=ChatLogArguments,
            output=ChatLog,
            handler=chat_log,
        ),
    ]


async def _nothing_found(store: ChatStore, talkers: tuple[str, ...], span: TimeRange) -> str:
    """Why nothing came back: a chat name that matches no chat is said apart from an empty
    time span, so a model corrects the right argument."""
    unknown = [name for name in talkers if not await _chat_exists(store, name)]
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        return (
            f"No chat named {names} was found: query_recent_chat, query_contact and "
            "query_chat_room list the chats with their ids and names."
        )
    when = f"{span.start.isoformat()} ~ {span.end.isoformat()}"
    return f"{NO_MESSAGES} — {when}" if span is not ALL_TIME else NO_MESSAGES


def _room_item(room: ChatRoom) -> ChatRoomItem:
    return ChatRoomItem(
        name=room.name,
        remark=room.remark,
        nick_name=room.nick_name,
        owner=room.owner,
        member_count=len(room.members),
        members=[
            MemberItem(user_name=m.user_name, display_name=m.display_name)
            for m in room.members[:MEMBERS_SHOWN]
        ],
    )


def _names(messages: list[Message]) -> dict[str, str]:
    """Each chat's and sender's display name once per page, not on every message: the names
    made most of the structured answer's size (a page was ~3x its text)."""
    names: dict[str, str] = {}
    for message in messages:
        names.setdefault(message.talker, message.talker_name or message.talker)
        own = SELF_NAME if message.is_self else message.sender
        names.setdefault(message.sender, message.sender_name or own)
    return names


def _message_item(message: Message) -> MessageItem:
    return MessageItem(
        time=message.time.isoformat(),
        talker=message.talker,
        sender=message.sender,
        is_self=message.is_self,
        type=message.type,
        sub_type=message.sub_type,
        text=text_with_ref(body_text(message), message),
        media_ref=media_ref(message),
    )


RECENT_DESCRIPTION = (
    "List the user's recent WeChat conversations (最近会话), private and group, newest first, "
    "each with its id (userName), name and last message. Use it to find out whom the user "
    "talks to and the exact chat id to pass as `talker` to query_chat_log. `keyword` filters "
    "by chat id or name. Default 30 per page, at most 100."
)
CONTACT_DESCRIPTION = (
    "Search the user's WeChat contacts (联系人/好友) by name, remark (备注), alias (微信号) or "
    "id. Without `keyword`, list all contacts. Returns CSV lines UserName,Alias,Remark,"
    "NickName. Use the UserName (e.g. wxid_...) as `talker` in query_chat_log when a name is "
    "ambiguous. Default 50 per page, at most 200."
)
CHAT_ROOM_DESCRIPTION = (
    "Search the user's WeChat group chats (群聊) by group name, remark or id (…@chatroom); "
    "without `keyword`, list all. Returns CSV lines Name,Remark,NickName,Owner,UserCount; the "
    "structured result also lists members with their group nicknames (群昵称), useful for the "
    "`sender` filter of query_chat_log. Default 20 per page, at most 100."
)
CHAT_LOG_DESCRIPTION = (
    "Read the user's WeChat chat history (聊天记录), oldest first, filtered by time range, "
    "chat (`talker`), sender and keyword.\n"
    "How to use it well:\n"
    "1. Locate: search with `keyword` (a regular expression, e.g. 火锅|hotpot) over a wide "
    "`time` range; omit `talker` to search every chat, or give one or more (comma-separated) "
    "chat ids, names or remarks. Add `sender` for what one person said in a group.\n"
    "2. Read context: for each hit, call again with only `talker` and a narrow `time` around "
    "the hit (e.g. 2024-05-01/14:00~2024-05-01/15:30), without keyword or sender, to see the "
    "surrounding conversation.\n"
    "3. Answer from all the contexts you read, citing times and senders.\n"
    "`time` accepts a day (2024-05-01 or 20240501), a minute (2024-05-01/14:30; hours and "
    "minutes need / and :), a month (2024-05), a quarter (2024Q2), a year (2024), a range of "
    "any two joined by ~, and words: today, yesterday, this-week, last-week, this-month, "
    "last-month, this-year, last-year, last-7d / last-2w / last-3m / last-1y, 2h-ago, "
    "30m-ago (minutes), 3mo-ago (months), now, all. Call current_time first to resolve "
    "relative dates. Default 50 messages per page, at most 200; follow the 'N more, call "
    "again with offset=...' hint to page. Media appear as labels such as [图片] (image), "
    "[语音] (voice), [视频] (video), [文件|name] (file), [链接|title](url) (link); the "
    "first four carry a ref=… to pass to get_media for the picture, voice or file; quoted "
    "replies start with '> ' lines; 我 means the user."
)
