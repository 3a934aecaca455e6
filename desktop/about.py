"""The About and Help boxes of the tray menu: version, licence, links, and a short guide.

Both are non-modal message boxes opened with `open()`: a dialog's `exec()` would start a
nested event loop under the server (docs/architecture.md, "The desktop app's loop").
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from server.api import log_dir, server_version

LICENCE = "Apache License 2.0"
LICENCE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
LINKS = (
    ("Model Context Protocol", "https://modelcontextprotocol.io"),
    ("chatlog", "https://github.com/sjzar/chatlog"),
    ("Qt for Python", "https://doc.qt.io/qtforpython-6/"),
)


def about_text() -> str:
    links = "".join(f'<li><a href="{url}">{html.escape(name)}</a></li>' for name, url in LINKS)
    return (
        f"<h3>Chatlog Tray {html.escape(server_version())}</h3>"
        + "<p>"
        + QCoreApplication.translate(
            "About",
            "Lets AI apps read your own WeChat chat history over MCP, from this computer only. "
            "It never changes WeChat's files and sends nothing anywhere by itself.",
        )
        + "</p><p>"
        + QCoreApplication.translate("About", "Licence: %1").replace(
            "%1", f'<a href="{LICENCE_URL}">{LICENCE}</a>'
        )
        + "</p><p>"
        + QCoreApplication.translate("About", "Built on:")
        + f"</p><ul>{links}</ul>"
    )


def help_text() -> str:
    logs = html.escape(str(log_dir()))
    return "".join(
        (
            "<h3>" + QCoreApplication.translate("About", "Using Chatlog Tray") + "</h3>",
            "<p><b>" + QCoreApplication.translate("About", "Connect an AI app") + "</b><br>",
            QCoreApplication.translate(
                "About",
                "Choose <i>Connect an AI app…</i> in the menu: it adds Chatlog Tray to the "
                "app's MCP settings, with a token of its own. Or copy the MCP address and "
                "paste it into the app.",
            )
            + "</p>",
            "<p><b>" + QCoreApplication.translate("About", "Your WeChat data") + "</b><br>",
            QCoreApplication.translate(
                "About",
                "Until you choose your WeChat data folder in <i>Settings…</i>, the built-in "
                "demo data is served (the menu says so). Encrypted data needs the account's "
                "database key, which is kept in the system keychain.",
            )
            + "</p>",
            "<p><b>" + QCoreApplication.translate("About", "AI clients and chats") + "</b><br>",
            QCoreApplication.translate(
                "About",
                "The window lists the AI apps connected right now, and lets you browse the "
                "WeChat chats that they can read.",
            )
            + "</p>",
            "<p><b>"
            + QCoreApplication.translate("About", "When something goes wrong")
            + "</b><br>",
            QCoreApplication.translate(
                "About", "The log files are in %1. The command line help: chatlog-tray --help."
            ).replace("%1", logs)
            + "</p>",
        )
    )


def _box(title: str, text: str, parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setWindowModality(Qt.WindowModality.NonModal)
    return box


def about_box(parent: QWidget | None = None) -> QMessageBox:
    return _box(QCoreApplication.translate("About", "About Chatlog Tray"), about_text(), parent)


def help_box(parent: QWidget | None = None) -> QMessageBox:
    return _box(QCoreApplication.translate("About", "Chatlog Tray Help"), help_text(), parent)
