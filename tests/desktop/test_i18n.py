"""English and Simplified Chinese, chosen from the locale."""

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

from desktop.i18n import install_translators, language_for
from server.resources import resource_path

pytestmark = pytest.mark.desktop


@pytest.fixture
def chinese(qapp):
    app = QApplication.instance()
    assert install_translators(app, QLocale(QLocale.Language.Chinese, QLocale.Country.China)) == (
        "zh_CN"
    )
    yield
    install_translators(app, QLocale(QLocale.Language.English))


def test_any_chinese_locale_gets_simplified_chinese_and_others_english():
    assert language_for(QLocale(QLocale.Language.Chinese, QLocale.Country.Taiwan)) == "zh_CN"
    assert language_for(QLocale(QLocale.Language.German)) == "en"


def test_every_string_in_the_catalogue_is_translated():
    tree = ET.parse(resource_path("translations", "chatlog_tray_zh_CN.ts"))
    unfinished = [
        message.findtext("source")
        for message in tree.iter("message")
        if message.find("translation").get("type") in ("unfinished", "obsolete")
    ]
    assert unfinished == []


@pytest.mark.asyncio
async def test_the_menu_speaks_chinese_under_a_chinese_locale(chinese, make_app):
    app = make_app(serve=False)
    assert app.actions.toggle_serving.text() == "开始服务"
    assert app.actions.state_line.text() == "已停止"
    assert QCoreApplication.translate("Models", "Client") == "客户端"
    assert app.window.tabs.tabText(1) == "微信会话"
    assert app.open_settings().clear_key.text() == "清除"


@pytest.mark.asyncio
async def test_our_window_has_a_chinese_name_apart_from_wechat_chats(chinese, make_app):
    # "会话" is what WeChat calls its chats; our window (AI apps and chats) is named otherwise.
    app = make_app(serve=False)
    assert app.actions.sessions.text() == "AI 客户端与聊天…"
    assert "会话" not in app.actions.sessions.text()
    assert app.actions.about.text() == "关于 Chatlog Tray"
    assert app.actions.help.text() == "帮助"
    assert app.actions.data_line.text() == "内置演示数据：请在“设置…”中选择你的微信数据"
