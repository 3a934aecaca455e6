"""One reader per layout; `reader_for` picks the one a data directory needs."""

from __future__ import annotations

from server.wechat.connections import ConnectionPool
from server.wechat.layout import DataDir
from server.wechat.model import Layout
from server.wechat.readers.base import Reader, Row, RowQuery, Shard
from server.wechat.readers.darwin_v3 import DarwinV3Reader
from server.wechat.readers.v4 import V4Reader
from server.wechat.readers.windows_v3 import WindowsV3Reader

__all__ = ["Reader", "Row", "RowQuery", "Shard", "reader_for"]


def reader_for(data_dir: DataDir, pool: ConnectionPool) -> Reader:
    if data_dir.layout == Layout.V4:
        return V4Reader(data_dir, pool)
    if data_dir.layout == Layout.WINDOWS_V3:
        return WindowsV3Reader(data_dir, pool)
    return DarwinV3Reader(data_dir, pool)
