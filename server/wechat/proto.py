"""The three protobuf blobs WeChat stores in SQLite columns, decoded with the `protobuf` runtime.

chatlog ships `.proto` files; compiling them would add a protoc step to the build, so the same
schemas are declared here as descriptors and turned into message classes on first use (building
them costs more than the rest of start-up, and the first use is a query on a worker thread). The
generator uses the same classes to write blobs, so both sides share one schema.

Schemas (docs/wechat-formats.md, "Tables"):
    RoomData   { repeated RoomDataUser users = 1; optional int32 roomCap = 5; }
    RoomDataUser { string userName = 1; optional string displayName = 2; int32 status = 3;
                   optional string inviter = 4; }
    BytesExtra { BytesExtraHeader header = 1; repeated BytesExtraItem items = 3; }
    BytesExtraHeader { int32 field1 = 1; int32 field2 = 2; }
    BytesExtraItem { int32 type = 1; string value = 2; }
    PackedInfo { uint32 type = 1; uint32 version = 2; ImageHash image = 3; VideoHash video = 4; }
    ImageHash { string md5 = 4; }    VideoHash { string md5 = 8; }

The classes are built at run time, so type checkers only know them as `message.Message`; fields
are read and written through the small typed helpers below (`_text`, `_child`, `_children`),
never as bare attributes.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator

from google.protobuf import message

_FieldSpec = tuple[str, int, str, str, str | None]  # name, number, type, label, message type

_OPTIONAL, _REPEATED = "LABEL_OPTIONAL", "LABEL_REPEATED"
_STRING, _INT32, _UINT32, _MESSAGE = "TYPE_STRING", "TYPE_INT32", "TYPE_UINT32", "TYPE_MESSAGE"

_PACKAGE = "chatlogtray.wechat"
_SCHEMAS: dict[str, list[_FieldSpec]] = {
    "RoomDataUser": [
        ("userName", 1, _STRING, _OPTIONAL, None),
        ("displayName", 2, _STRING, _OPTIONAL, None),
        ("status", 3, _INT32, _OPTIONAL, None),
        ("inviter", 4, _STRING, _OPTIONAL, None),
    ],
    "RoomData": [
        ("users", 1, _MESSAGE, _REPEATED, "RoomDataUser"),
        ("roomCap", 5, _INT32, _OPTIONAL, None),
    ],
    "BytesExtraHeader": [
        ("field1", 1, _INT32, _OPTIONAL, None),
        ("field2", 2, _INT32, _OPTIONAL, None),
    ],
    "BytesExtraItem": [
        ("type", 1, _INT32, _OPTIONAL, None),
        ("value", 2, _STRING, _OPTIONAL, None),
    ],
    "BytesExtra": [
        ("header", 1, _MESSAGE, _OPTIONAL, "BytesExtraHeader"),
        ("items", 3, _MESSAGE, _REPEATED, "BytesExtraItem"),
    ],
    "ImageHash": [("md5", 4, _STRING, _OPTIONAL, None)],
    "VideoHash": [("md5", 8, _STRING, _OPTIONAL, None)],
    "PackedInfo": [
        ("type", 1, _UINT32, _OPTIONAL, None),
        ("version", 2, _UINT32, _OPTIONAL, None),
        ("image", 3, _MESSAGE, _OPTIONAL, "ImageHash"),
        ("video", 4, _MESSAGE, _OPTIONAL, "VideoHash"),
    ],
}


_BUILD_LOCK = threading.Lock()  # queries on several worker threads may arrive here at once


@functools.cache
def _classes() -> dict[str, type[message.Message]]:
    with _BUILD_LOCK:
        return _build_classes()


def _build_classes() -> dict[str, type[message.Message]]:
    # Imported here: descriptor_pb2 alone takes longer to import than the rest of start-up.
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    enum = descriptor_pb2.FieldDescriptorProto
    file_proto = descriptor_pb2.FileDescriptorProto(
        name="chatlogtray_wechat.proto", package=_PACKAGE, syntax="proto3"
    )
    for name, fields in _SCHEMAS.items():
        message_proto = file_proto.message_type.add(name=name)
        for field_name, number, field_type, label, type_name in fields:
            field_proto = message_proto.field.add(
                name=field_name,
                number=number,
                type=enum.Type.Value(field_type),
                label=enum.Label.Value(label),
            )
            if type_name is not None:
                field_proto.type_name = f".{_PACKAGE}.{type_name}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"))
        for name in _SCHEMAS
    }


def _new(name: str, **fields: object) -> message.Message:
    return _classes()[name](**fields)


def _text(parsed: message.Message, name: str) -> str:
    value = getattr(parsed, name)
    return value if isinstance(value, str) else ""


def _int(parsed: message.Message, name: str) -> int:
    value = getattr(parsed, name)
    return value if isinstance(value, int) else 0


def _child(parsed: message.Message, name: str) -> message.Message | None:
    """A singular sub-message, or None when the blob did not set it."""
    if not parsed.HasField(name):
        return None
    child: message.Message = getattr(parsed, name)
    return child


def _children(parsed: message.Message, name: str) -> Iterator[message.Message]:
    for child in getattr(parsed, name):
        if isinstance(child, message.Message):
            yield child


def _parse(name: str, blob: bytes | None) -> message.Message | None:
    # Like chatlog, a blob that fails to decode counts as absent (it is never fatal).
    if not blob:
        return None
    parsed = _new(name)
    try:
        parsed.ParseFromString(bytes(blob))
    except message.DecodeError:
        return None
    return parsed


def room_members(blob: bytes | None) -> list[tuple[str, str]]:
    """(user name, group display name) of each member in a RoomData/ext_buffer blob."""
    room = _parse("RoomData", blob)
    if room is None:
        return []
    return [
        (_text(user, "userName"), _text(user, "displayName")) for user in _children(room, "users")
    ]


def bytes_extra_items(blob: bytes | None) -> dict[int, str]:
    """Windows 3.x BytesExtra items as type -> value (later duplicates win)."""
    extra = _parse("BytesExtra", blob)
    if extra is None:
        return {}
    return {_int(item, "type"): _text(item, "value") for item in _children(extra, "items")}


def packed_media_md5(blob: bytes | None) -> tuple[str, str]:
    """(image md5, video md5) from a 4.x packed_info_data blob; "" when absent."""
    info = _parse("PackedInfo", blob)
    if info is None:
        return "", ""
    image, video = _child(info, "image"), _child(info, "video")
    return (
        _text(image, "md5") if image is not None else "",
        _text(video, "md5") if video is not None else "",
    )


def encode_room_data(members: list[tuple[str, str]]) -> bytes:
    users = [
        _new(
            "RoomDataUser",
            userName=user_name,
            **({"displayName": display_name} if display_name else {}),
        )
        for user_name, display_name in members
    ]
    return _new("RoomData", users=users, roomCap=500).SerializeToString()


def encode_bytes_extra(items: dict[int, str]) -> bytes:
    return _new(
        "BytesExtra",
        header=_new("BytesExtraHeader", field1=1, field2=1),
        items=[_new("BytesExtraItem", type=kind, value=value) for kind, value in items.items()],
    ).SerializeToString()


def encode_packed_info(image_md5: str = "", video_md5: str = "") -> bytes:
    parts: dict[str, message.Message] = {}
    if image_md5:
        parts["image"] = _new("ImageHash", md5=image_md5)
    if video_md5:
        parts["video"] = _new("VideoHash", md5=video_md5)
    return _new("PackedInfo", type=106, version=14, **parts).SerializeToString()
