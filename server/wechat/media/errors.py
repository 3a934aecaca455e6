"""Why a media message could not be served; each text is meant for the model and the user."""

from __future__ import annotations


class MediaError(Exception):
    """A media request that cannot be answered; `status` is the HTTP status to use."""

    status = 400


class MediaNotFoundError(MediaError):
    status = 404


class ImageKeyMissingError(MediaError):
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "this picture is encrypted with WeChat's image key (4.x V2 .dat), and no image key "
            "is set: give it with --image-key or in the settings"
        )


class ImageKeyWrongError(MediaError):
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "the image key does not decrypt this picture (4.x V2 .dat): check the image key"
        )


class UnsupportedMediaError(MediaError):
    status = 415


class MediaTimeoutError(MediaError):
    """A conversion that ran out of time: says nothing about the file or the tool, so a
    caller may try again or go on without it."""

    status = 503
