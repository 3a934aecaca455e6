import asyncio
import json
import socket
import time

import pytest

from server.push.hook_config import WebhookConfig
from server.push.hook_delivery import DeliverySettings
from server.push.webhooks import Webhooks
from tests.support import wait_until
from tests.unit.push.messages import text_message
from tests.webhook_receiver import webhook_receiver

# Quick retries; but an attempt may take its time: one that timed out would be retried, and the
# receiver would count a duplicate. (A receiver that never answers has its own test.)
FAST = DeliverySettings(timeout=10.0, first_retry=0.05, max_retry=0.2)
# Seconds from handing messages over to their arrival: far less, unless the machine stalls.
WITHIN = 5.0


def hooks(*urls: str, settings: DeliverySettings = FAST, **filters: str) -> Webhooks:
    return Webhooks([WebhookConfig(url=url, **filters) for url in urls], settings)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.asyncio
async def test_new_messages_reach_the_receiver_once_in_order_promptly():
    async with webhook_receiver() as receiver:
        webhooks = hooks(receiver.url)
        webhooks.start()
        try:
            offered = time.monotonic()
            webhooks.deliver([text_message(1, "one"), text_message(2, "two")])
            webhooks.deliver([text_message(3, "three")])
            await receiver.wait_for_messages(3)
            assert receiver.received[-1].arrived - offered < WITHIN
            assert receiver.contents() == ["one", "two", "three"]
            await wait_until(lambda: webhooks.statuses()[0].delivered == 3)
            assert receiver.received[0].headers["content-type"] == "application/json"
            await asyncio.sleep(0.1)
            assert len(receiver.messages) == 3  # nothing twice
            status = webhooks.statuses()[0]
            assert (status.delivered, status.failed, status.dropped, status.queued) == (3, 0, 0, 0)
            assert status.last_delivery_at is not None and status.last_error is None
        finally:
            await webhooks.stop()


@pytest.mark.asyncio
async def test_a_hook_sends_only_the_messages_its_filters_want():
    async with webhook_receiver() as receiver:
        webhooks = hooks(receiver.url, talker="Family", keyword="urgent")
        webhooks.start()
        try:
            webhooks.deliver(
                [
                    text_message(1, "urgent: call me"),
                    text_message(2, "nothing"),
                    text_message(3, "urgent elsewhere", talker="work@chatroom", talker_name="W"),
                    text_message(4, "urgent again"),
                ]
            )
            await receiver.wait_for_messages(2)
            assert receiver.contents() == ["urgent: call me", "urgent again"]
            assert receiver.received[0].body["talker"] == "Family"
        finally:
            await webhooks.stop()


@pytest.mark.asyncio
async def test_a_failing_receiver_gets_the_batch_again_until_it_takes_it():
    async with webhook_receiver(fail_next=2) as receiver:
        webhooks = hooks(receiver.url)
        webhooks.start()
        try:
            webhooks.deliver([text_message(1, "one")])
            await receiver.wait_for_messages(1)
            webhooks.deliver([text_message(2, "two")])
            await receiver.wait_for_messages(2)
            assert receiver.contents() == ["one", "two"]
            assert receiver.attempts == 4
            await wait_until(lambda: webhooks.statuses()[0].delivered == 2)
            status = webhooks.statuses()[0]
            assert (status.delivered, status.failed, status.dropped) == (2, 2, 0)
            assert status.last_error is not None and status.last_error.startswith("HTTP 500")
        finally:
            await webhooks.stop()


@pytest.mark.asyncio
async def test_retries_wait_longer_each_time():
    async with webhook_receiver(status=503) as receiver:
        settings = DeliverySettings(timeout=10.0, first_retry=0.1, max_retry=10)
        webhooks = hooks(receiver.url, settings=settings)
        webhooks.start()
        try:
            started = time.monotonic()
            webhooks.deliver([text_message(1, "one")])
            await receiver.wait_for_attempts(4)
            # Waits of 0.1 + 0.2 + 0.4 s between the four attempts.
            assert time.monotonic() - started >= 0.7
            assert webhooks.statuses()[0].state == "retrying"
        finally:
            await webhooks.stop()


@pytest.mark.asyncio
async def test_a_hanging_or_failing_receiver_does_not_delay_the_others():
    async with (
        webhook_receiver(hang=True) as hanging,
        webhook_receiver(status=500) as failing,
        webhook_receiver() as healthy,
    ):
        webhooks = hooks(
            hanging.url,
            failing.url,
            healthy.url,
            # The hung request stays in its first attempt for the whole test.
            settings=DeliverySettings(timeout=60.0, first_retry=0.05),
        )
        webhooks.start()
        try:
            for seq in range(1, 6):
                offered = time.monotonic()
                webhooks.deliver([text_message(seq, f"m{seq}")])
                await healthy.wait_for_messages(seq, timeout=WITHIN)
                assert healthy.received[-1].arrived - offered < WITHIN
            assert healthy.contents() == [f"m{seq}" for seq in range(1, 6)]
            await wait_until(lambda: webhooks.statuses()[2].state == "idle")
            hung, failed, fine = webhooks.statuses()
            assert hung.state == "sending" and hung.queued == 5 and hung.delivered == 0
            assert failed.state == "retrying" and failed.failed >= 1
            assert fine.delivered == 5 and fine.state == "idle"
        finally:
            stopping = time.monotonic()
            await webhooks.stop()
            # The hung request had most of its 60 s to go: the stop did not wait for it.
            assert time.monotonic() - stopping < 10


@pytest.mark.asyncio
async def test_a_receiver_that_never_answers_times_out_and_is_retried():
    async with webhook_receiver(hang=True) as receiver:
        webhooks = hooks(receiver.url, settings=DeliverySettings(timeout=0.2, first_retry=0.05))
        webhooks.start()
        try:
            webhooks.deliver([text_message(1, "one")])
            await receiver.wait_for_attempts(2)
            status = webhooks.statuses()[0]
            assert status.last_error == "no answer within 0.2 s"
            assert status.failed >= 1 and status.queued == 1
        finally:
            await webhooks.stop()


@pytest.mark.asyncio
async def test_a_receiver_that_is_not_there_is_an_error_not_a_crash():
    webhooks = hooks(f"http://127.0.0.1:{free_port()}/hook")
    webhooks.start()
    try:
        webhooks.deliver([text_message(1, "one")])
        await wait_until(lambda: webhooks.statuses()[0].failed >= 2)
        assert webhooks.statuses()[0].last_error == "cannot connect"
        assert not webhooks.hooks[0]._task.done()  # type: ignore[union-attr]
    finally:
        await webhooks.stop()
    assert webhooks.statuses()[0].state == "stopped"


@pytest.mark.asyncio
async def test_a_full_queue_drops_the_oldest_messages_and_counts_them():
    async with webhook_receiver(hang=True) as receiver:
        settings = DeliverySettings(capacity=3, batch_size=2, timeout=5.0)
        webhooks = hooks(receiver.url, settings=settings)
        webhooks.start()
        try:
            webhooks.deliver([text_message(1, "first")])
            await receiver.wait_for_attempts(1)  # "first" is being sent
            webhooks.deliver([text_message(seq, f"m{seq}") for seq in range(2, 10)])
            status = webhooks.statuses()[0]
            assert (status.queued, status.dropped) == (1 + 3, 5)
            queue = webhooks.hooks[0]._queue
            assert [message.text for message in queue] == ["m7", "m8", "m9"]
        finally:
            await webhooks.stop()


@pytest.mark.asyncio
async def test_a_refused_batch_is_dropped_and_the_next_one_is_sent():
    async with webhook_receiver(status=404) as receiver:
        webhooks = hooks(receiver.url)
        webhooks.start()
        try:
            webhooks.deliver([text_message(1, "one"), text_message(2, "two")])
            await receiver.wait_for_attempts(1)
            await wait_until(lambda: webhooks.statuses()[0].dropped == 2)
            receiver.status = 200
            webhooks.deliver([text_message(3, "three")])
            await receiver.wait_for_messages(1)
            assert receiver.contents() == ["three"]
            status = webhooks.statuses()[0]
            assert status.last_error == "HTTP 404 X: 2 message(s) dropped"
        finally:
            await webhooks.stop()


@pytest.mark.asyncio
async def test_health_counts_per_hook_without_chat_text_or_url_secrets():
    async with webhook_receiver() as receiver:
        webhooks = hooks(receiver.url + "/s3cret-path?token=s3cret-value", talker="Family")
        webhooks.start()
        try:
            webhooks.deliver([text_message(1, "private words")])
            await receiver.wait_for_messages(1)
            await wait_until(lambda: webhooks.statuses()[0].delivered == 1)
            health = webhooks.health()
        finally:
            await webhooks.stop()
    text = json.dumps(health, ensure_ascii=False)
    assert "s3cret" not in text and "private words" not in text and "Family" not in text
    assert health["count"] == 1 and health["failing"] == 0
    assert health["hooks"][0]["target"] == f"http://127.0.0.1:{receiver.port}"
    assert health["hooks"][0]["delivered"] == 1 and health["hooks"][0]["remote"] is False


def test_hooks_that_are_not_started_take_nothing():
    webhooks = hooks("http://127.0.0.1:9/h")
    webhooks.deliver([text_message(1, "one")])
    assert webhooks.statuses()[0].queued == 0
