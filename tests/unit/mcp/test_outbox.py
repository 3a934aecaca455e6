import asyncio

import pytest

from server.mcp.outbox import Outbox, OutboxClosedError

pytestmark = pytest.mark.asyncio


async def test_messages_come_out_in_order():
    outbox = Outbox(1024)
    assert outbox.put(b"one") and outbox.put(b"two")
    assert await outbox.get(1) == b"one"
    assert await outbox.get(1) == b"two"


async def test_silence_longer_than_the_timeout_yields_none_for_a_ping():
    outbox = Outbox(1024)
    assert await outbox.get(0.01) is None


async def test_a_waiting_reader_wakes_when_a_message_arrives():
    outbox = Outbox(1024)
    reader = asyncio.create_task(outbox.get(5))
    await asyncio.sleep(0)
    outbox.put(b"hello")
    assert await asyncio.wait_for(reader, 1) == b"hello"


async def test_closing_drains_what_is_left_then_ends():
    outbox = Outbox(1024)
    outbox.put(b"last")
    outbox.close()
    assert await outbox.get(1) == b"last"
    with pytest.raises(OutboxClosedError):
        await outbox.get(1)


async def test_closing_wakes_a_waiting_reader():
    outbox = Outbox(1024)
    reader = asyncio.create_task(outbox.get(5))
    await asyncio.sleep(0)
    outbox.close()
    with pytest.raises(OutboxClosedError):
        await asyncio.wait_for(reader, 1)


async def test_a_reader_that_falls_behind_is_refused_beyond_the_byte_limit():
    outbox = Outbox(10)
    assert outbox.put(b"12345678")
    assert not outbox.put(b"123")
    assert await outbox.get(1) == b"12345678"
    assert outbox.put(b"123")


async def test_one_oversized_message_still_fits_an_empty_outbox():
    outbox = Outbox(4)
    assert outbox.put(b"much longer than four bytes")


async def test_a_closed_outbox_refuses_messages():
    outbox = Outbox(1024)
    outbox.close()
    assert not outbox.put(b"late")
