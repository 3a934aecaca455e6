"""Files served by the API (`/api/v1/media/<ref>`'s videos and files) that are always closed.

Quart's `FileBody` opens and closes its file through aiofiles, in the default executor. A
request cancelled while it waits (the client gone, the server stopping) stops waiting, but
the thread goes on: a file opened then is never closed, and a close that had not started yet
never runs. Each such request would leave the file open until garbage collection, in a
long-running app that serves videos. Here the open and the close run to their end whatever
happens to the request, and a file opened for a request already gone is closed at once.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from quart.wrappers.response import FileBody, Response

# Opens and closes still running for a request that was cancelled: held until they end.
_finishing: set[asyncio.Future[Any]] = set()


class ClosingFileBody(FileBody):
    async def __aenter__(self) -> ClosingFileBody:
        opening = asyncio.ensure_future(super().__aenter__())
        try:
            await asyncio.shield(opening)
        except asyncio.CancelledError:
            _finishing.add(opening)
            opening.add_done_callback(self._close_if_opened)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        closing = asyncio.ensure_future(super().__aexit__(exc_type, exc_value, tb))  # type: ignore[arg-type]
        _finishing.add(closing)
        closing.add_done_callback(_finishing.discard)
        await asyncio.shield(closing)

    def _close_if_opened(self, opening: asyncio.Future[Any]) -> None:
        _finishing.discard(opening)
        if opening.cancelled() or opening.exception() is not None:
            return
        closing = asyncio.ensure_future(self.file_manager.__aexit__(None, None, None))
        _finishing.add(closing)
        closing.add_done_callback(_finishing.discard)


class ClosingResponse(Response):
    """The app's responses: `send_file` makes its file body from this class's."""

    file_body_class = ClosingFileBody
