"""What kind of chat a talker is, so a model can tell official accounts and WeCom apart.

Official accounts (`gh_` user names) and their pushes live in their own databases (4.x
`biz_message_N.db`, 3.x `PublicMsg.db`); WeCom contacts have `@openim` user names
(docs/wechat-data.md, "Official accounts and WeCom").
"""

from __future__ import annotations

OFFICIAL_ACCOUNT = "official account"
WECOM = "WeCom"


def chat_kind(talker: str, official_shard: bool) -> str:
    """ "official account", "WeCom" or "" (an ordinary chat)."""
    if talker.endswith("@openim"):
        return WECOM
    if official_shard or talker.startswith("gh_"):
        return OFFICIAL_ACCOUNT
    return ""
