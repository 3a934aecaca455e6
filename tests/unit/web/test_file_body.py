"""A file the API serves is closed even when its request is cancelled half-way."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from quart.wrappers.response import FileBody

from server.web.file_body import ClosingFileBody
from tests.support import wait_until

pytestmark = pytest.mark.asyncio

CONTENT = bytes(range(256)) * 64


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "video.mp4"
    path.write_bytes(CONTENT)
    return path


def opened_files(body: FileBody) -> bool:
    return body.file is not None and not body.file.closed


async def test_a_request_cancelled_while_the_file_opens_leaves_it_closed(video: Path) -> None:
    body = ClosingFileBody(video)
    entering = asyncio.ensure_future(body.__aenter__())
    await asyncio.sleep(0)  # the open is on its thread
    entering.cancel()
    with pytest.raises(asyncio.CancelledError):
        await entering
    await wait_until(lambda: body.file is not None and body.file.closed)


async def test_a_request_cancelled_while_the_file_closes_still_closes_it(video: Path) -> None:
    body = ClosingFileBody(video)
    await body.__aenter__()
    assert opened_files(body)
    assert b"".join([chunk async for chunk in body]) == CONTENT
    leaving = asyncio.ensure_future(body.__aexit__(None, None, None))
    await asyncio.sleep(0)
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    await wait_until(lambda: not opened_files(body))
