"""`/api/v1/media/<ref>`: the decoded original of a media message.

The only input is a reference (`server/wechat/media/refs.py`), never a path: the file is
found from WeChat's own tables and checked to lie inside the account folder
(`server/wechat/media/paths.py`), so unlike chatlog's `/data/*` (docs/wechat-formats.md,
"chatlog's HTTP API") no request can name a file. Pictures are served byte for byte as they
were sent; voice as WAV (MP3 with `?format=mp3`, Ogg Opus with `?format=ogg`, the stored SILK
with `?format=silk`); a video's thumbnail, the picture WeChat keeps beside it, with
`?variant=thumbnail` (400 for anything but a video, 404 when WeChat kept none); `?info=1` gives
the metadata as JSON. Ogg is encoded by the optional
ffmpeg (server/wechat/media/ffmpeg.py): without one, or one without libopus, the answer is
415 (`UnsupportedMediaError`) saying to install it, and that WAV and MP3 need nothing. Origin,
Host and token checks are the app's job, in front.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from quart import Blueprint, Response, request, send_file

from server.web.chat_api import JSON_TYPE, error_response
from server.wechat.errors import DataSourceError, QueryError
from server.wechat.media.errors import MediaError
from server.wechat.media.service import MediaService, media_json

VOICE_FORMATS = ("wav", "mp3", "ogg", "silk")
VARIANTS = ("original", "thumbnail")


def create_media_api(media: MediaService) -> Blueprint:
    api = Blueprint("media_api", __name__)

    @api.get("/api/v1/media/<path:ref>")
    async def get_media(ref: str) -> Response:
        voice_format = request.args.get("format", "wav").lower()
        if voice_format not in VOICE_FORMATS:
            return error_response(400, "invalid_parameter", "format must be wav, mp3, ogg or silk")
        variant = request.args.get("variant", "original").lower()
        if variant not in VARIANTS:
            return error_response(400, "invalid_parameter", "variant must be original or thumbnail")
        try:
            if variant == "thumbnail":
                item = await media.fetch_thumbnail(ref)
            else:
                item = await media.fetch(ref, voice_format=voice_format)
        except MediaError as error:
            return error_response(error.status, "media_error", str(error))
        except QueryError as error:
            return error_response(400, "invalid_parameter", str(error))
        except DataSourceError as error:
            return error_response(503, "data_source_error", str(error))
        if request.args.get("info"):
            body = json.dumps(media_json(item), ensure_ascii=False)
            return Response(body, content_type=JSON_TYPE)
        disposition = "attachment" if item.kind == "file" else "inline"
        headers = {
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(item.name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        }
        if item.data is not None:
            return Response(item.data, content_type=item.mime, headers=headers)
        assert item.path is not None
        response = await send_file(item.path, mimetype=item.mime, conditional=True)
        response.headers.update(headers)
        return response

    return api
