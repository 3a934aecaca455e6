"""A deterministic generator of WeChat data directories, for the demo set, tests and benches."""

from __future__ import annotations

from devtools.demo.corpus import Dataset, build_dataset
from devtools.demo.generate import generate

__all__ = ["Dataset", "build_dataset", "generate"]
