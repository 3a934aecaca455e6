"""The sessions window's chats tab, driven as a user would: load the chats, open one."""

from __future__ import annotations

from desktop.sessions_window import SessionsWindow


async def open_chat_named(window: SessionsWindow, user_name: str) -> None:
    """Load the chats list and open the chat `user_name`, its recent messages shown."""
    await window.reload_chats()
    row = next(
        r
        for r in range(window.chat_model.rowCount())
        if window.chat_model.chat(r).user_name == user_name
    )
    await window.open_chat(row)
