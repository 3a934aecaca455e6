"""The demo's video clips play: ffmpeg decodes each committed clip, streamed through a pipe, to
the frames frames.py draws, and each video's thumbnail is the clip's first frame."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from devtools.demo import clips
from devtools.demo.clips.__main__ import encode
from devtools.demo.clips.frames import FPS, FRAMES, SECONDS, SIZE, frame
from server.wechat.store import demo_data_dir
from tests.mp4_video import decode, difference, top_level_boxes
from tests.ogg_opus import FFMPEG

# H.264 at the quality the clips are encoded with moves a pixel by a few levels on average.
ENCODING_NOISE = 3.0


@pytest.mark.parametrize("name", clips.NAMES)
def test_a_clip_decodes_to_its_frames_at_their_size_and_rate(name: str) -> None:
    decoded = decode(clips.clip(name))
    assert len(decoded.frames) == FRAMES == FPS * SECONDS
    assert decoded.seconds == pytest.approx(SECONDS, abs=0.05)
    assert decoded.video.startswith("h264 (Main)") and "yuv420p" in decoded.video
    assert f"{SIZE[0]}x{SIZE[1]}" in decoded.video and f"{FPS} fps" in decoded.video
    for number, picture in enumerate(decoded.frames):
        assert picture.size == SIZE
        assert difference(picture, frame(name, number)) < ENCODING_NOISE, number


@pytest.mark.parametrize("name", clips.NAMES)
def test_a_clip_has_its_index_first_so_a_player_starts_before_the_end(name: str) -> None:
    boxes = top_level_boxes(clips.clip(name))
    assert boxes[0] == "ftyp" and boxes.index("moov") < boxes.index("mdat")


def test_the_clips_are_distinct_and_small() -> None:
    sizes = {name: len(clips.clip(name)) for name in clips.NAMES}
    assert len({clips.clip(name) for name in clips.NAMES}) == len(clips.NAMES) >= 3
    assert all(4_000 < size < 80_000 for size in sizes.values()), sizes


@pytest.mark.parametrize("name", clips.NAMES)
def test_a_thumbnail_is_a_jpeg_of_the_first_frame(name: str) -> None:
    thumbnail = clips.thumbnail(name)
    picture = Image.open(io.BytesIO(thumbnail))
    assert picture.format == "JPEG" and picture.size == SIZE
    assert difference(picture, frame(name, 0)) < ENCODING_NOISE
    assert difference(picture, frame(name, 0)) < difference(picture, frame(name, FRAMES - 1))


def test_the_first_frame_already_says_what_each_clip_shows() -> None:
    # The thumbnail is all a model sees of a video: no two clips start alike.
    firsts = [frame(name, 0) for name in clips.NAMES]
    for at, first in enumerate(firsts):
        for other in firsts[at + 1 :]:
            assert difference(first, other) > 20


def test_encoding_a_clip_again_gives_a_playable_clip_of_the_same_frames(tmp_path: Path) -> None:
    # Another ffmpeg build may write other bytes (why the clips are committed), never other
    # frames.
    written = encode("clock", FFMPEG, tmp_path)
    assert written == tmp_path / "clock.mp4" and not list(tmp_path.glob("*.part"))
    decoded = decode(written.read_bytes())
    assert len(decoded.frames) == FRAMES
    assert difference(decoded.frames[-1], frame("clock", FRAMES - 1)) < ENCODING_NOISE


def test_every_video_of_the_shipped_demo_is_one_of_the_clips_with_its_thumbnail() -> None:
    videos = sorted((demo_data_dir() / "msg" / "video").rglob("*.mp4"))
    assert len(videos) > 40
    by_bytes = {clips.clip(name): name for name in clips.NAMES}
    used = set()
    for video in videos:
        name = by_bytes[video.read_bytes()]
        thumbnail = video.with_name(video.stem + "_thumb.jpg")
        assert thumbnail.read_bytes() == clips.thumbnail(name), thumbnail
        used.add(name)
    assert used == set(clips.NAMES)


def test_the_clips_live_in_devtools_not_in_what_the_app_ships() -> None:
    assert clips.FOLDER.parts[-3:] == ("devtools", "demo", "clips")
    assert all(clips.path(name).is_file() for name in clips.NAMES)
    assert not list(Path(demo_data_dir()).rglob("*.py"))
