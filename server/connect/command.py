"""`chatlog-tray clients list|add NAME|remove NAME|bundle`: connect AI apps without the tray.

Qt-free. Prints readable lines on standard output; a failure is one line on standard error
and exit status 1 (2 for bad arguments, as argparse does).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from server.cli import TOKEN_ENV
from server.client_tokens import ClientTokens
from server.connect import clients
from server.connect.bundle import write_bundle
from server.connect.service import DEFAULT_URL, FAILURES, Connector


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatlog-tray clients",
        description="Add Chatlog Tray to an AI app's MCP settings, each app with its own token.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="each app: found here, connected, config file")
    for verb, text in (
        ("add", "write our entry into the app's config (backup first) with a new token"),
        ("remove", "delete our entry from the app's config and revoke its token"),
    ):
        sub = commands.add_parser(verb, help=text)
        sub.add_argument("name", choices=clients.NAMES)
        sub.add_argument("--config-file", type=Path, metavar="PATH", help="this file instead")
        if verb == "add":
            sub.add_argument("--url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    bundle = commands.add_parser("bundle", help="write an MCP Bundle (.mcpb) for Claude Desktop")
    bundle.add_argument("--output", type=Path, required=True, metavar="PATH.mcpb")
    bundle.add_argument("--url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    return parser


def run(
    argv: Sequence[str],
    *,
    connector: Connector | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    args = build_parser().parse_args(argv)
    out = out or sys.stdout
    err = err or sys.stderr
    connector = connector or Connector(ClientTokens())
    try:
        if args.command == "list":
            return _list(connector, out)
        if args.command == "add":
            return _add(connector, args, out)
        if args.command == "remove":
            return _remove(connector, args, out)
        return _bundle(connector, args, out)
    except FAILURES as error:
        print(f"chatlog-tray clients: {error}", file=err)
        return 1


def _list(connector: Connector, out: TextIO) -> int:
    for client in clients.CLIENTS:
        status = connector.status(client)
        found = "found" if status.found else "not found"
        if status.problem is not None:
            state = f"unreadable: {status.problem}"
        elif status.present is None:
            state = "copy only"
        else:
            state = "connected" if status.present else "not connected"
        print(f"{client.name:<15} {found:<10} {state:<14} {status.path}", file=out)
    return 0


def _add(connector: Connector, args: argparse.Namespace, out: TextIO) -> int:
    client = clients.get(args.name)
    added = connector.add(client, args.url, args.config_file)
    if added.path is None:
        print(f"{client.paste_hint}:", file=out)
        print(added.snippet, file=out)
        return 0
    print(f"Added chatlog to {client.display_name}: {added.path}", file=out)
    if added.backup is not None:
        print(f"The previous file is kept as {added.backup}", file=out)
    print(f"Restart {client.display_name} to use it.", file=out)
    return 0


def _remove(connector: Connector, args: argparse.Namespace, out: TextIO) -> int:
    client = clients.get(args.name)
    removed = connector.remove(client, args.config_file)
    if removed.path is None:
        print(f"Delete chatlog in {client.display_name}'s MCP settings yourself.", file=out)
    elif removed.removed:
        print(f"Removed chatlog from {client.display_name}: {removed.path}", file=out)
    else:
        print(f"{client.display_name} had no chatlog entry in {removed.path}", file=out)
    if removed.revoked:
        print(f"The token of {client.display_name} is revoked.", file=out)
    return 0


def _bundle(connector: Connector, args: argparse.Namespace, out: TextIO) -> int:
    # A token from the environment (CI, or a user who manages tokens) is used as is.
    token = os.environ.get(TOKEN_ENV) or connector.issue(clients.get("claude-desktop"))
    write_bundle(args.output, connector.target(args.url, token), sys.platform)
    print(f"Wrote {args.output}: open it with Claude Desktop to install Chatlog Tray.", file=out)
    return 0
