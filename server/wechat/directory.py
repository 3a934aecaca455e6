"""Contacts and chat rooms in memory: name search and resolution of names to user names.

chatlog's repository layer (docs/wechat-formats.md, "Tables"), with its search order kept:
exact user name, exact alias, exact remark, exact nickname, then substrings of aliases, remarks
and nicknames. Substring matches ignore case here (chatlog's were case-sensitive).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from server.wechat.model import ChatRoom, Contact, is_chat_room


@dataclass(frozen=True, slots=True)
class Directory:
    """A snapshot of the account's contacts and chat rooms."""

    contacts: dict[str, Contact]
    rooms: dict[str, ChatRoom]
    # room -> member -> group display name (first entry wins, as in `member_display_name`)
    member_names: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, contacts: Iterable[Contact], rooms: Iterable[ChatRoom]) -> Directory:
        by_name = {contact.user_name: contact for contact in contacts}
        merged: dict[str, ChatRoom] = {}
        for room in rooms:
            contact = by_name.get(room.name)
            if contact is not None:
                room = replace(room, remark=contact.remark, nick_name=contact.nick_name)
            merged[room.name] = room
        for contact in by_name.values():
            if is_chat_room(contact.user_name) and contact.user_name not in merged:
                merged[contact.user_name] = ChatRoom(
                    contact.user_name, remark=contact.remark, nick_name=contact.nick_name
                )
        member_names: dict[str, dict[str, str]] = {}
        for room in merged.values():
            names = member_names[room.name] = {}
            for member in room.members:
                names.setdefault(member.user_name, member.display_name)
        return cls(dict(sorted(by_name.items())), dict(sorted(merged.items())), member_names)

    def search_contacts(self, keyword: str) -> list[Contact]:
        return _search(
            list(self.contacts.values()),
            keyword,
            lambda c: c.user_name,
            lambda c: [c.alias, c.remark, c.nick_name],
        )

    def search_rooms(self, keyword: str) -> list[ChatRoom]:
        return _search(
            list(self.rooms.values()),
            keyword,
            lambda r: r.name,
            lambda r: [r.remark, r.nick_name],
        )

    def resolve_talker(self, text: str) -> str:
        """The user name a talker argument (id, alias, remark, nickname, group name) means."""
        if text in self.contacts or text in self.rooms:
            return text
        rooms = self.search_rooms(text)
        contacts = self.search_contacts(text)
        exact_room = rooms and text in (rooms[0].remark, rooms[0].nick_name)
        if contacts and not exact_room:
            return contacts[0].user_name
        if rooms:
            return rooms[0].name
        return text

    def resolve_senders(self, texts: Iterable[str], rooms: Iterable[str]) -> frozenset[str]:
        """User names the sender arguments may mean (group display names included)."""
        room_list = [self.rooms[name] for name in rooms if name in self.rooms] or list(
            self.rooms.values()
        )
        resolved: set[str] = set()
        for text in texts:
            resolved.add(text)
            for room in room_list:
                resolved.update(m.user_name for m in room.members if m.display_name == text)
            resolved.update(
                c.user_name
                for c in self.contacts.values()
                if text in (c.alias, c.remark, c.nick_name)
            )
        return frozenset(resolved)

    def talker_name(self, talker: str) -> str:
        room = self.rooms.get(talker)
        if room is not None:
            return room.display_name
        contact = self.contacts.get(talker)
        return contact.display_name if contact else ""

    def sender_name(self, talker: str, sender: str) -> str:
        name = self.member_names.get(talker, {}).get(sender, "")
        if name:
            return name
        contact = self.contacts.get(sender)
        return contact.display_name if contact else ""


def _search[T](
    items: list[T],
    keyword: str,
    id_of: Callable[[T], str],
    names_of: Callable[[T], list[str]],
) -> list[T]:
    results: dict[str, T] = {}
    for item in items:
        if id_of(item) == keyword:
            results[id_of(item)] = item
    for position in range(3):
        for item in items:
            names = names_of(item)
            if position < len(names) and names[position] == keyword:
                results.setdefault(id_of(item), item)
    folded = keyword.casefold()
    for position in range(3):
        for item in items:
            names = names_of(item)
            if position < len(names) and names[position] and folded in names[position].casefold():
                results.setdefault(id_of(item), item)
    return list(results.values())
