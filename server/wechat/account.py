"""The account's own user name, as WeChat 4.x names its account folder after it.

4.x keeps each account under `xwechat_files/<user name>_<4 hex>/db_storage`; messages in
groups are the user's own when their `real_sender_id` is that user name's `Name2Id` row
(docs/wechat-data.md, "Own messages in 4.x groups").
"""

from __future__ import annotations

import re

_SUFFIXED = re.compile(r"^(.+)_[0-9a-fA-F]{4,}$")


def own_user_names(folder_name: str) -> tuple[str, ...]:
    """The user names the account folder may stand for, most likely first."""
    match = _SUFFIXED.match(folder_name)
    if match is None:
        return (folder_name,)
    return (match.group(1), folder_name)
