"""Where bundled resources live, from source and inside a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """`resources/<parts...>`: next to the frozen executable's data, or in the repository."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = (
        Path(bundle) / "resources"
        if bundle
        else Path(__file__).resolve().parent.parent / "resources"
    )
    return base.joinpath(*parts)
