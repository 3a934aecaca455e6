"""The sessions window's chats tab, driven as a user would: load the chats, open one."""

from __future__ import annotations

from desktop.sessions_window import SessionsWindow


async def open_chat_named(window: SessionsWindow, user_name: str) -> None:
    """Load the chats list and open the chat `user_name`, its recent messages shown."""
    await window.reload_chats()
    row = window.chat_model.row_of(user_name)
    assert row is not None, f"no chat {user_name} on the chats list's first page"
    await window.open_chat(row)
