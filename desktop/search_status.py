"""One line about the full-text search index (docs/search.md) for the window and the tray."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def search_index_text(status: dict[str, Any]) -> str:
    """ "Search index: building, 42% …" from the store's `status()["search"]`; "" when off."""
    state = status.get("state")
    if state == "building":
        indexed, total = int(status.get("indexed") or 0), int(status.get("total") or 0)
        if total <= 0:
            return QCoreApplication.translate("SearchIndex", "Search index: building")
        text = QCoreApplication.translate(
            "SearchIndex", "Search index: building, %1% (%2 of %3 messages); searches scan"
        )
        percent = min(99, indexed * 100 // total)
        return (
            text.replace("%1", str(percent))
            .replace("%2", f"{indexed:,}")
            .replace("%3", f"{total:,}")
        )
    if state == "ready":
        return QCoreApplication.translate("SearchIndex", "Search index: ready")
    if state == "error":
        return QCoreApplication.translate(
            "SearchIndex", "Search index: failed; searches scan (see the log)"
        )
    return ""


def is_building(status: dict[str, Any]) -> bool:
    return status.get("state") == "building"
