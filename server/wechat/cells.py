"""How a TEXT cell becomes a `str`: lossily, one cell at a time.

Python's sqlite3 decodes TEXT as strict UTF-8 and raises `OperationalError` for the whole
query on the first invalid cell, so one damaged message would hide a whole chat. Real
folders hold such cells (docs/wechat-data.md, "Invalid UTF-8"); each is decoded on its own
with U+FFFD for the bad bytes instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

# `str(raw, "utf-8", "replace")` is one C call per cell: no Python frame on the hot path.
lossy_text: Callable[[bytes], str] = functools.partial(str, encoding="utf-8", errors="replace")
