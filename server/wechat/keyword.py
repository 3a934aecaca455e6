"""Keyword patterns: RE2 regular expressions, which match in time linear in the text.

Python's `re` backtracks: a pattern such as `(.*.*)*(@)` runs for minutes on one message
while holding the interpreter lock, which froze the whole server (see docs/time-ranges.md).
RE2 (the `google-re2` package) refuses the features that need backtracking (backreferences,
lookaround, atomic groups, possessive quantifiers) and bounds its memory, so every match ends
quickly whatever the pattern. A refused feature gets an error that names it.
"""

from __future__ import annotations

import re

import re2

from server.wechat.errors import InvalidKeywordError, UnsupportedKeywordError

# RE2's complaint (its message starts with these) -> the feature, as a user would name it.
_REFUSED = (
    ("invalid perl operator: (?<=", "lookbehind (?<=...)"),
    ("invalid perl operator: (?<!", "negative lookbehind (?<!...)"),
    ("invalid perl operator: (?=", "lookahead (?=...)"),
    ("invalid perl operator: (?!", "negative lookahead (?!...)"),
    ("invalid perl operator: (?>", "atomic group (?>...)"),
    ("invalid perl operator: (?(", "conditional group (?(...)...)"),
    ("invalid perl operator: (?#", "comment group (?#...)"),
    ("invalid escape sequence: \\Z", "\\Z (use \\z)"),
    ("invalid escape sequence: \\u", "\\u escape (use \\x{4e2d})"),
    ("invalid escape sequence: \\U", "\\U escape (use \\x{1F600})"),
    ("invalid escape sequence: \\N", "\\N{...} escape (use \\x{...})"),
)
_BACKREFERENCE = re.compile(r"invalid escape sequence: \\[1-9]")
_POSSESSIVE = re.compile(r"bad repetition operator: (?:[*+?]|\{[\d,]*\})\+")


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every bad pattern to stderr
    options.never_capture = True  # only "does it match" is asked: no group spans
    return options


_OPTIONS = _options()


class KeywordPattern:
    """A compiled keyword; `search` tells whether a text contains a match."""

    __slots__ = ("_search", "keyword")

    def __init__(self, keyword: str) -> None:
        """Raises:
        UnsupportedKeywordError: the keyword uses a feature RE2 refuses.
        InvalidKeywordError: the keyword is not a regular expression at all.
        """
        self.keyword = keyword
        try:
            compiled = re2.compile(keyword.encode("utf-8"), _OPTIONS)
        except UnicodeEncodeError:
            raise InvalidKeywordError(keyword, "it holds an unpaired surrogate") from None
        except re2.error as error:
            raise _explain(keyword, error) from None
        # Searched as UTF-8 bytes: the str path of the wrapper maps every match's offsets
        # back to characters, which costs more than the match itself.
        self._search = compiled.search

    def search(self, text: str) -> bool:
        return self._search(text.encode("utf-8", "surrogatepass")) is not None


def compile_keyword(keyword: str) -> KeywordPattern | None:
    """The pattern for `keyword`, or None when there is no keyword."""
    return KeywordPattern(keyword) if keyword else None


def _explain(keyword: str, error: Exception) -> InvalidKeywordError:
    reason = error.args[0] if error.args else str(error)
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    reason = str(reason)
    for prefix, feature in _REFUSED:
        if reason.startswith(prefix):
            return UnsupportedKeywordError(keyword, feature)
    if _BACKREFERENCE.match(reason) or (
        reason.startswith("invalid perl operator: (?P") and "(?P=" in keyword
    ):
        return UnsupportedKeywordError(keyword, "backreference (\\1, (?P=name))")
    if _POSSESSIVE.match(reason):
        return UnsupportedKeywordError(keyword, "possessive quantifier (*+, ++, ?+)")
    return InvalidKeywordError(keyword, reason)
