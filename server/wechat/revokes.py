"""Revoke notices: the sentence WeChat shows ("X" 撤回了一条消息), and whether it is the user's.

4.x stores them as `local_type` 10002, 3.x as type 10002 or as a type 10000 system message;
the XML is `<sysmsg type="revokemsg"><revokemsg>` with the sentence in `<content>` (4.x) or
`<replacemsg>` (3.x), or the sentence alone (docs/wechat-data.md, "Revoke notices").
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

REVOKE = 10002
FALLBACK = "[撤回了一条消息]"  # "[a message was recalled]": a notice without its sentence
# How WeChat words the user's own recall, in its Chinese and English interfaces.
_OWN_PREFIXES = ("你撤回了", "You recalled", "You've recalled", "You have recalled")


def is_revoke(root: ET.Element) -> bool:
    return root.tag == "sysmsg" and root.get("type") == "revokemsg"


def revoke_sentence(root: ET.Element) -> str:
    """The text kept inside `<revokemsg>`, as WeChat shows it."""
    for path in ("revokemsg/content", "revokemsg/replacemsg"):
        found = root.find(path)
        if found is not None and (found.text or "").strip():
            return (found.text or "").strip()
    element = root.find("revokemsg")
    text = (element.text or "").strip() if element is not None else ""
    return text or FALLBACK


def is_own_revoke(sentence: str) -> bool:
    """Whether the sentence is WeChat's wording for the user's own recall."""
    return sentence.strip().startswith(_OWN_PREFIXES)
