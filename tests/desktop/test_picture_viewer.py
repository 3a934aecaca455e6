"""A picture in the chat opens whole in the picture viewer: fitted or zoomed, animated when it
is, copied, saved as it was sent (never inside WeChat's folder), and why when it cannot."""

from __future__ import annotations

import asyncio
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest

from desktop.app import DesktopApp
from desktop.picture_viewer import PictureViewer
from devtools.demo import generate
from devtools.demo.corpus import DemoMessage, md5_hex
from devtools.demo.media import MediaFixtures, Pictures, noise_pictures, picture, write_media
from server.config import ServerConfig
from server.wechat.media.image_key import ImageKey
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import MediaService
from server.wechat.model import Layout
from tests.desktop.chat_pane import open_chat_named
from tests.desktop.save_dialogs import answer_save_dialog, open_save_dialogs
from tests.support import wait_until

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

IMAGE_KEY = "0123456789abcdef"
PICTURE_LINK = re.compile(r"href=[\"']picture:([^\"']+)[\"']")
GIF_FRAMES = 3
LARGE = (1600, 1200)


@dataclass
class Shown:
    app: DesktopApp
    root: Path
    chat: str
    media: MediaFixtures

    @property
    def refs(self) -> list[str]:
        """The pictures the chat shows, each once, oldest first."""
        return list(dict.fromkeys(PICTURE_LINK.findall(self.app.window.messages.toHtml())))

    async def original(self, ref: str) -> bytes:
        """The picture as the HTTP API serves it."""
        item = await MediaService(self.app.chats.store, ImageKey(IMAGE_KEY)).fetch(ref)
        assert item.data is not None
        return item.data


async def show_chat_with_pictures(
    make_app,
    root: Path,
    pictures: Pictures = noise_pictures,
    image_key: str | None = IMAGE_KEY,
) -> Shown:
    dataset = generate(root, Layout.V4, messages=300, shards=1)
    media = write_media(dataset, root, Layout.V4, IMAGE_KEY.encode(), pictures=pictures)
    chat = Counter(talker for talker, _ in media.images).most_common(1)[0][0]
    app = make_app(ServerConfig(port=0, data_dir=root, image_key=image_key), serve=False)
    window = app.window
    await open_chat_named(window, chat)
    return Shown(app, root, chat, media)


async def open_picture(shown: Shown, ref: str) -> PictureViewer:
    viewer = await shown.app.window.open_picture(ref)
    assert viewer is not None
    return viewer


def animated_gifs(index: int, message: DemoMessage, fmt: str, variant: str) -> bytes:
    """The tests' pictures, but every GIF is an animation of `GIF_FRAMES` noise frames."""
    if fmt != "GIF" or variant != "original":
        return noise_pictures(index, message, fmt, variant)
    frames = [Image.open(io.BytesIO(picture(index + n, "PNG"))) for n in range(GIF_FRAMES)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=40, loop=0)
    return buffer.getvalue()


def broken_gifs(index: int, message: DemoMessage, fmt: str, variant: str) -> bytes:
    """The tests' pictures, but every GIF is a GIF's signature and then nothing of use."""
    if fmt != "GIF" or variant != "original":
        return noise_pictures(index, message, fmt, variant)
    return b"GIF89a" + bytes(2000)


def truncated_gifs(index: int, message: DemoMessage, fmt: str, variant: str) -> bytes:
    """The tests' pictures, but every GIF is cut short: Pillow fails on it halfway."""
    if fmt != "GIF" or variant != "original":
        return noise_pictures(index, message, fmt, variant)
    return picture(index, "GIF")[:1500]


def large_pictures(index: int, message: DemoMessage, fmt: str, variant: str) -> bytes:
    """The tests' pictures, but the originals are larger than the viewer."""
    if variant != "original":
        return noise_pictures(index, message, fmt, variant)
    return picture(index, "JPEG", LARGE)


def everything(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


async def test_clicking_a_thumbnail_opens_the_whole_picture(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    window = shown.app.window
    assert '<a href="picture:' in window.messages.toHtml()  # around each thumbnail
    ref = shown.refs[-1]
    window.messages.anchorClicked.emit(QUrl(f"picture:{ref}"))
    await wait_until(lambda: window.picture_viewer is not None)
    viewer = window.picture_viewer
    assert viewer is not None
    await wait_until(lambda: viewer.image is not None)
    original = Image.open(io.BytesIO(await shown.original(ref)))
    assert (viewer.image.width(), viewer.image.height()) == original.size
    assert viewer.isVisible() and not viewer.isModal()
    assert viewer.info.text().startswith(f"{original.size[0]} × {original.size[1]} pixels · ")
    assert f" · {original.format} · " in viewer.info.text()
    message = next(m for m in window._shown_messages if media_ref(m) == ref)
    assert message.time.astimezone().strftime("%Y-%m-%d %H:%M:%S") in viewer.windowTitle()


async def test_another_picture_opens_in_the_same_viewer(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    first, second = shown.refs[:2]
    viewer = await open_picture(shown, first)
    assert viewer.item is not None and media_ref(viewer.item.message) == first
    assert await open_picture(shown, second) is viewer
    assert viewer.item is not None and media_ref(viewer.item.message) == second
    assert viewer.image is not None


async def test_save_as_writes_the_bytes_the_api_serves(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    ref = shown.refs[0]
    viewer = await open_picture(shown, ref)
    assert viewer.item is not None
    out = tmp_path / "saved" / "holiday"
    out.parent.mkdir()
    saving = asyncio.ensure_future(viewer.save())
    suggested = await answer_save_dialog(viewer, out)
    await saving
    assert suggested.name == viewer.item.name  # the name the HTTP API gives it
    written = out.with_suffix(Path(viewer.item.name).suffix)  # the extension is added
    assert written.read_bytes() == await shown.original(ref)
    assert [path.name for path in everything(out.parent)] == [written.name]
    assert viewer.status.text() == f"Saved to {written}"


async def test_saving_inside_the_wechat_folder_is_refused_and_writes_nothing(
    make_app, tmp_path: Path
):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    viewer = await open_picture(shown, shown.refs[0])
    before = everything(shown.root)
    saving = asyncio.ensure_future(viewer.save())
    await answer_save_dialog(viewer, shown.root / "msg" / "copy.png")
    await saving
    assert "never writes there" in viewer.status.text()
    assert viewer.status.text().startswith("Cannot save there:")
    assert everything(shown.root) == before


async def test_a_cancelled_save_as_writes_nothing(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    viewer = await open_picture(shown, shown.refs[0])
    (tmp_path / "saved").mkdir()
    saving = asyncio.ensure_future(viewer.save())
    await answer_save_dialog(viewer, None)
    await saving
    assert everything(tmp_path / "saved") == []
    assert viewer.status.text() == ""


async def test_a_picture_whose_file_is_gone_says_why(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    for dat in (shown.root / "msg" / "attach" / md5_hex(shown.chat)).rglob("*.dat"):
        dat.unlink()  # after the thumbnails were made: WeChat cleaned its folder up
    viewer = await open_picture(shown, shown.refs[0])
    assert viewer.stack.currentWidget() is viewer.notice
    assert "This picture cannot be shown" in viewer.notice.text()
    assert "not on this computer" in viewer.notice.text()
    assert viewer.image is None and viewer.info.text() == ""
    assert not viewer.save_action.isEnabled() and not viewer.copy_action.isEnabled()


@pytest.mark.parametrize(
    ("image_key", "reason"),
    [(None, "no image key is set"), ("fedcba9876543210", "does not decrypt this picture")],
)
async def test_a_picture_encrypted_with_the_image_key_says_when_the_key_is_missing_or_wrong(
    make_app, tmp_path: Path, image_key: str | None, reason: str
):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat", image_key=image_key)
    encrypted = [
        ref
        for ref in shown.refs
        for message in shown.app.window._shown_messages
        if media_ref(message) == ref
        and shown.media.image_versions[(message.talker, message.seq)] == "4.x-v2"
    ]
    assert encrypted, "the fixtures encrypt every other picture with the image key"
    viewer = await open_picture(shown, encrypted[0])
    assert "This picture cannot be shown" in viewer.notice.text() and reason in viewer.notice.text()


async def test_a_picture_qt_cannot_decode_says_so_and_can_still_be_saved(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat", broken_gifs)
    broken = [ref for ref in shown.refs if (await shown.original(ref)).startswith(b"GIF")]
    assert broken, "the fixtures cycle PNG, JPEG and GIF"
    viewer = await open_picture(shown, broken[0])
    assert "This picture cannot be shown" in viewer.notice.text()
    assert viewer.save_action.isEnabled() and not viewer.copy_action.isEnabled()
    saving = asyncio.ensure_future(viewer.save())
    await answer_save_dialog(viewer, tmp_path / "broken.gif")
    await saving
    assert (tmp_path / "broken.gif").read_bytes() == await shown.original(broken[0])


async def test_a_chat_with_a_picture_cut_short_still_opens_and_shows_what_there_is(
    make_app, tmp_path: Path
):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat", truncated_gifs)
    truncated = [ref for ref in shown.refs if (await shown.original(ref)).startswith(b"GIF")]
    assert truncated, "the fixtures cycle PNG, JPEG and GIF"
    viewer = await open_picture(shown, truncated[0])  # from its label: no thumbnail
    assert viewer.image is not None and viewer.stack.currentWidget() is viewer.area


async def test_an_animated_gif_plays_its_frames(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat", animated_gifs)
    gifs = [ref for ref in shown.refs if (await shown.original(ref)).startswith(b"GIF")]
    assert gifs, "the fixtures cycle PNG, JPEG and GIF"
    viewer = await open_picture(shown, gifs[0])
    assert viewer.movie is not None and viewer.frames == GIF_FRAMES
    seen = {viewer.movie.currentFrameNumber()}
    await wait_until(lambda: seen.add(viewer.movie.currentFrameNumber()) or len(seen) > 1)
    assert f"animated, {GIF_FRAMES} frames" in viewer.info.text()
    still = next(ref for ref in shown.refs if ref not in gifs)
    await open_picture(shown, still)
    assert viewer.movie is None and "animated" not in viewer.info.text()


async def test_a_large_picture_fits_the_window_until_zoomed(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat", large_pictures)
    viewer = await open_picture(shown, shown.refs[0])
    room = viewer.area.maximumViewportSize()
    assert viewer.fit_action.isChecked()
    assert viewer.canvas.width() <= room.width() and viewer.canvas.height() <= room.height()
    assert max(viewer.canvas.width() / room.width(), viewer.canvas.height() / room.height()) > 0.99
    fitted = viewer.scale
    assert fitted < 1 and f"{round(fitted * 100)}%" in viewer.info.text()
    viewer.actual_action.trigger()
    assert viewer.canvas.size().toTuple() == LARGE and viewer.info.text().endswith("100%")
    assert viewer.area.horizontalScrollBar().maximum() > 0  # scrolls to the rest of it
    viewer.zoom_out_action.trigger()
    assert viewer.scale == pytest.approx(0.8) and not viewer.fit_action.isChecked()
    viewer.fit_action.trigger()
    assert viewer.scale == pytest.approx(fitted)
    viewer.resize(viewer.width() + 200, viewer.height() + 150)
    assert viewer.scale > fitted  # a fitted picture follows the window's size


async def test_a_small_picture_is_not_enlarged_to_fit(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    viewer = await open_picture(shown, shown.refs[0])
    assert viewer.scale == 1.0 and viewer.info.text().endswith("100%")
    viewer.zoom_in_action.trigger()
    assert viewer.scale == pytest.approx(1.25)
    assert viewer.canvas.width() == round(viewer.image.width() * 1.25)


async def test_copy_puts_the_picture_on_the_clipboard(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    viewer = await open_picture(shown, shown.refs[0])
    viewer.copy_action.trigger()
    copied = QGuiApplication.clipboard().image()
    assert copied.size() == viewer.image.size()
    assert viewer.status.text() == "Copied to the clipboard"


async def test_the_keyboard_zooms_copies_saves_and_closes(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    viewer = await open_picture(shown, shown.refs[0])
    viewer.activateWindow()
    await wait_until(viewer.isActiveWindow)
    QTest.keyClick(viewer, "+")
    assert viewer.scale == pytest.approx(1.25)
    QTest.keyClick(viewer, "-")
    assert viewer.scale == pytest.approx(1.0)
    QTest.keySequence(viewer, QKeySequence("Ctrl+9"))
    assert viewer.fit_action.isChecked()
    QGuiApplication.clipboard().clear()
    QTest.keySequence(viewer, QKeySequence.StandardKey.Copy)
    assert not QGuiApplication.clipboard().image().isNull()
    QTest.keySequence(viewer, QKeySequence.StandardKey.Save)
    await wait_until(lambda: len(open_save_dialogs(viewer)) == 1)
    await answer_save_dialog(viewer, None)
    QTest.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()
    assert viewer.image is None and viewer.item is None  # the picture is let go


async def test_only_pictures_open_in_the_viewer(make_app, tmp_path: Path):
    shown = await show_chat_with_pictures(make_app, tmp_path / "wechat")
    kinds = {
        media_kind(message)
        for message in shown.app.window._shown_messages
        if media_ref(message) in shown.refs
    }
    assert kinds == {"image"}
