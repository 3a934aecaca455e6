from datetime import datetime

from server.push.feed import FeedMessage
from server.push.hook_config import WebhookConfig
from server.push.hook_payload import HookFilter, payload
from tests.unit.push.messages import text_message


def wants(message: FeedMessage, **filters: str) -> bool:
    return HookFilter(WebhookConfig(url="http://127.0.0.1/", **filters)).wants(message)


def test_a_hook_without_filters_wants_every_message():
    assert wants(text_message(1, "hello"))


def test_the_talker_filter_matches_a_chat_by_id_or_by_name_in_any_case():
    message = text_message(1, "hello")
    assert wants(message, talker="family@chatroom")
    assert wants(message, talker="work@chatroom, FAMILY")
    assert not wants(message, talker="work@chatroom")


def test_the_sender_filter_matches_a_person_by_id_or_by_name():
    message = text_message(1, "hello")
    assert wants(message, sender="wxid_mum") and wants(message, sender="mum")
    assert not wants(message, sender="Dad")


def test_the_keyword_is_a_regex_over_the_rendered_text():
    assert wants(text_message(1, "dinner at 7, URGENT"), keyword="urgent|URGENT")
    assert wants(text_message(1, "今天很紧急"), keyword="紧急")
    assert not wants(text_message(1, "see you"), keyword="urgent")


def test_every_filter_must_agree():
    message = text_message(1, "urgent")
    assert wants(message, talker="Family", sender="Mum", keyword="urgent")
    assert not wants(message, talker="Family", sender="Dad", keyword="urgent")


def test_the_payload_has_chatlogs_shape_with_the_messages_in_order():
    hook = WebhookConfig(url="http://127.0.0.1/", talker="Family", keyword="a")
    messages = [text_message(1, "a one"), text_message(2, "a two")]
    body = payload(hook, messages)
    assert list(body) == ["talker", "sender", "keyword", "lastTime", "length", "messages"]
    assert (body["talker"], body["sender"], body["keyword"]) == ("Family", "", "a")
    assert body["length"] == 2
    assert [m["content"] for m in body["messages"]] == ["a one", "a two"]
    assert body["lastTime"] == messages[1].time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    datetime.strptime(body["lastTime"], "%Y-%m-%d %H:%M:%S")
    first = body["messages"][0]
    assert (first["seq"], first["talker"], first["talkerName"], first["senderName"]) == (
        1,
        "family@chatroom",
        "Family",
        "Mum",
    )
    assert first["isChatRoom"] is True and first["type"] == 1
