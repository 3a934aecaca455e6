"""Generated WeChat data directories (one per layout), shared by the wechat tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from devtools.demo import Dataset, generate
from server.wechat.model import Layout
from server.wechat.store import ChatStore, open_store

MESSAGES = 1500


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[Layout, tuple[Path, Dataset]]:
    result = {}
    for layout in Layout:
        root = tmp_path_factory.mktemp(f"wechat-{layout}")
        result[layout] = (root, generate(root, layout, messages=MESSAGES))
    return result


@pytest.fixture(params=list(Layout), ids=str)
def layout(request: pytest.FixtureRequest) -> Layout:
    return Layout(request.param)


@pytest.fixture
def data_dir(generated: dict[Layout, tuple[Path, Dataset]], layout: Layout) -> Path:
    return generated[layout][0]


@pytest.fixture
def dataset(generated: dict[Layout, tuple[Path, Dataset]], layout: Layout) -> Dataset:
    return generated[layout][1]


@pytest_asyncio.fixture
async def store(data_dir: Path) -> AsyncIterator[ChatStore]:
    opened = open_store(data_dir)
    yield opened
    await opened.close()


@pytest_asyncio.fixture
async def demo_store() -> AsyncIterator[ChatStore]:
    opened = open_store(None)
    yield opened
    await opened.close()
