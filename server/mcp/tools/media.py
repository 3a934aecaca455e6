"""`get_media`: the picture, voice, video or file behind a `ref=…` from query_chat_log.

Pictures come back as `image` content, shrunk to a size a model takes (the original size is
noted); voice as `audio` content (WAV, or MP3 or Ogg Opus with `voice_format`, the block's
mimeType saying which); videos and files as a `resource_link` to the HTTP route plus their
metadata, since a model cannot take them whole. A video also comes with the thumbnail WeChat
keeps of it, as `image` content fitted like a picture, so that a model sees what the video
shows; a video without one (or with one that is no picture) comes without, and a video WeChat
did not download comes as its thumbnail alone. Every failure (file gone, image key missing or
wrong, unknown format) is an `isError` result saying what to do.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.mcp.tools.base import JsonObject, Tool, ToolContext, ToolError, ToolResult
from server.wechat.errors import DataSourceError, QueryError
from server.wechat.media.errors import MediaError, MediaNotFoundError
from server.wechat.media.fit import fit_for_model
from server.wechat.media.service import Media, MediaService, media_json


class MediaArguments(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    ref: str = Field(
        description="The media reference from query_chat_log, e.g. lq3x9k2-1f0c3a "
        "(shown as [图片 ref=…], [语音 ref=…], [视频 ref=…], [文件|name ref=…]).",
        min_length=1,
        max_length=40,
    )
    voice_format: Literal["wav", "mp3", "ogg"] = Field(
        default="wav",
        description="For a voice message: the audio format. wav (default), mp3 (smaller), or "
        "ogg (Opus, smallest; needs ffmpeg on the computer running Chatlog Tray).",
    )


def media_tools(media: MediaService, base_url: Callable[[], str]) -> list[Tool]:
    """`get_media`; `base_url` gives the server's address for links to videos and files."""

    async def get_media(_context: ToolContext, args: MediaArguments) -> ToolResult:
        try:
            item = await media.fetch(args.ref, voice_format=args.voice_format)
        except MediaNotFoundError as error:
            # WeChat often keeps a video's thumbnail without downloading the video itself:
            # the model can still see what it shows.
            only_thumbnail = await _thumbnail_only(media, args.ref, str(error))
            if only_thumbnail is None:
                raise ToolError(str(error)) from error
            return only_thumbnail
        except (MediaError, QueryError, DataSourceError) as error:
            raise ToolError(str(error)) from error
        info = media_json(item)
        if item.kind == "image":
            assert item.data is not None
            try:
                # Pillow's decode and resize take a photo tens of ms: off the event loop.
                fitted = await asyncio.to_thread(fit_for_model, item.data, item.mime)
            except MediaError as error:
                raise ToolError(str(error)) from error
            info.update(
                width=fitted.original_width,
                height=fitted.original_height,
                sent_mime_type=fitted.mime,
                sent_width=fitted.width,
                sent_height=fitted.height,
                sent_size=len(fitted.data),
            )
            note = (
                f"picture {info['ref']}: {item.mime}, {fitted.original_width}x"
                f"{fitted.original_height}, {item.size} bytes"
            )
            if fitted.resized:
                note += f"; sent resized to {fitted.width}x{fitted.height} {fitted.mime}"
            block = _blob("image", fitted.data, fitted.mime)
            return ToolResult([{"type": "text", "text": note}, block], structured=info)
        if item.kind == "voice":
            assert item.data is not None
            seconds = item.details.get("duration_seconds")
            note = f"voice message {info['ref']}: {seconds} s, {args.voice_format.upper()}"
            block = _blob("audio", item.data, item.mime)
            return ToolResult([{"type": "text", "text": note}, block], structured=info)
        uri = f"{base_url().rstrip('/')}/api/v1/media/{info['ref']}"
        info["uri"] = uri
        link: JsonObject = {
            "type": "resource_link",
            "uri": uri,
            "name": item.name,
            "mimeType": item.mime,
            "size": item.size,
            "description": f"the {item.kind} of a WeChat message, served by Chatlog Tray",
        }
        note = f"{item.kind} {info['ref']}: {item.name}, {item.mime}, {item.size} bytes, at {uri}"
        content: list[JsonObject] = [{"type": "text", "text": note}, link]
        thumbnail = await _thumbnail_block(item.thumbnail) if item.thumbnail is not None else None
        if thumbnail is not None:
            block, width, height = thumbnail
            info.update(
                thumbnail_uri=f"{uri}?variant=thumbnail",
                thumbnail_width=width,
                thumbnail_height=height,
            )
            content[0]["text"] = f"{note}; its thumbnail ({width}x{height}) is attached"
            content.append(block)
        return ToolResult(content, structured=info)

    return [
        Tool(
            name="get_media",
            title="WeChat picture, voice, video or file",
            description=GET_MEDIA_DESCRIPTION,
            arguments=MediaArguments,
            handler=get_media,
        )
    ]


async def _thumbnail_only(media: MediaService, ref: str, why: str) -> ToolResult | None:
    """A video that is not on this computer, as the thumbnail WeChat kept of it; None for
    anything else, or when there is no thumbnail either."""
    try:
        thumbnail = await media.fetch_thumbnail(ref)
    except (MediaError, QueryError, DataSourceError):
        return None
    found = await _thumbnail_block(thumbnail)
    if found is None:
        return None
    block, width, height = found
    info = media_json(thumbnail)
    for key in ("mime_type", "name", "size", "variant"):
        info.pop(key, None)  # they describe the thumbnail file, not the video
    info.update(
        has_video=False,
        has_thumbnail=True,
        thumbnail_width=width,
        thumbnail_height=height,
    )
    note = f"video {info['ref']}: {why}. WeChat kept its thumbnail ({width}x{height}), attached"
    return ToolResult([{"type": "text", "text": note}, block], structured=info)


async def _thumbnail_block(thumbnail: Media) -> tuple[JsonObject, int, int] | None:
    """A video's thumbnail as an image block, with its size as WeChat kept it; None when it
    cannot be read (the video is then sent without it, as one WeChat kept none of)."""
    if thumbnail.data is None:
        return None
    try:
        fitted = await asyncio.to_thread(fit_for_model, thumbnail.data, thumbnail.mime)
    except MediaError:
        return None
    block = _blob("image", fitted.data, fitted.mime)
    return block, fitted.original_width, fitted.original_height


def _blob(kind: str, data: bytes, mime: str) -> JsonObject:
    return {"type": kind, "data": base64.b64encode(data).decode("ascii"), "mimeType": mime}


GET_MEDIA_DESCRIPTION = (
    "Fetch the media of a WeChat message by the ref=… that query_chat_log shows on media "
    "labels ([图片 ref=…] picture, [语音 ref=…] voice, [视频 ref=…] video, [文件|name ref=…] "
    "file). Pictures come back as an image (shrunk if large; the original size is given), "
    "voice as audio (WAV; voice_format mp3 or ogg for a smaller one), videos and files as a "
    "link with their name, type and size; a video also as its thumbnail picture (a frame of "
    "it), when WeChat kept one."
)
