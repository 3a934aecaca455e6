"""Index terms: overlapping character bigrams of every run of letters and digits.

FTS5's `trigram` tokenizer finds substrings of three or more characters only, and Chinese
queries of one or two characters are the common ones (docs/search.md). So the text is
segmented here, before SQLite sees it: each run of letters/digits (casefolded) becomes its
bigrams in order, followed by its last character alone. A substring of length >= 2 inside a
run is then exactly a phrase of consecutive bigrams, and a single character is a prefix
query (a bigram starting with it, or the lone last character of a run). The lone character
also separates runs, so a phrase never spans two runs.
"""

from __future__ import annotations

import re
import unicodedata

_RUN = re.compile(r"[^\W_]+")  # letters and digits of any script: str.isalnum, no "_"
# Characters no other character casefolds to: a match on them is a case-sensitive match.
_CASELESS_CATEGORIES = frozenset({"Lo", "Nd"})


def _run_terms(run: str) -> str:
    if len(run) == 1:
        return run
    return " ".join([run[i : i + 2] for i in range(len(run) - 1)]) + " " + run[-1]


def document_terms(text: str) -> str:
    """The space-separated terms stored for `text` (the FTS5 column's value)."""
    return " ".join([_run_terms(run) for run in _RUN.findall(text.casefold())])


def match_expression(literal: str) -> str | None:
    """An FTS5 query finding every text that contains `literal`, ignoring case; None when the
    literal has no letter or digit (the index cannot narrow it)."""
    parts = []
    for run in _RUN.findall(literal.casefold()):
        if len(run) == 1:
            parts.append(f'"{run}" *')
        else:
            parts.append('"' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"')
    return " AND ".join(parts) if parts else None


def is_exact(literal: str) -> bool:
    """Whether `match_expression(literal)` matches exactly the texts holding `literal` as is.

    True for one run of uncased letters and digits (Chinese, Japanese kana, digits): casefolding
    changes nothing there, and the run is the whole literal. Anything else (Latin letters,
    punctuation, several runs) only narrows: the keyword's regex then decides.
    """
    return (
        bool(literal)
        and _RUN.fullmatch(literal) is not None
        and all(unicodedata.category(ch) in _CASELESS_CATEGORIES for ch in literal)
    )


def _is_cased(run: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in run)


def _hex_terms(run: str) -> list[str]:
    # unicode61 folds case, so case-exact terms are spelled in hex (one plain token each).
    grams = [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]
    return ["x" + gram.encode().hex() for gram in grams]


def cased_terms(text: str) -> str:
    """Case-exact terms, for the runs holding letters with case only (Latin, Greek, ...):
    the same bigrams as `document_terms`, unfolded."""
    return " ".join(" ".join(_hex_terms(run)) for run in _RUN.findall(text) if _is_cased(run))


def cased_expression(literal: str) -> str | None:
    """An FTS5 query on the case-exact terms finding exactly the texts that contain `literal`
    as is, when it is one run of letters/digits with case; else None."""
    if _RUN.fullmatch(literal) is None or not _is_cased(literal):
        return None
    if len(literal) == 1:
        return f'"x{literal.encode().hex()}" *'
    return '"' + " ".join(_hex_terms(literal)[:-1]) + '"'
