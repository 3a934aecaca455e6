"""A deterministic generator of WeChat data directories, for the demo set, tests and benches."""

from __future__ import annotations

from server.wechat.demo.corpus import Dataset, build_dataset
from server.wechat.demo.generate import generate

__all__ = ["Dataset", "build_dataset", "generate"]
