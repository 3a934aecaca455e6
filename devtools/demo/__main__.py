"""Command line: write a demo WeChat data directory (see generate.py)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from devtools.demo.generate import generate
from server.wechat.model import Layout

logger = logging.getLogger(__name__)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a deterministic WeChat data directory.")
    parser.add_argument("--out", type=Path, required=True, help="account folder to write")
    parser.add_argument("--layout", choices=[str(layout) for layout in Layout], default="v4")
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--talkers", type=int, default=None, help="one-to-one chats (bench)")
    parser.add_argument(
        "--edge-cases", action="store_true", help="add real folders' odd rows (tests, not the demo)"
    )
    parser.add_argument(
        "--media", action="store_true", help="write pictures, voices, videos and files (the demo)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    dataset = generate(
        args.out,
        Layout(args.layout),
        messages=args.messages,
        seed=args.seed,
        shards=args.shards,
        talkers=args.talkers,
        edge_cases=args.edge_cases,
        media=args.media,
    )
    logger.info("wrote %d messages (%s layout) to %s", len(dataset.messages), args.layout, args.out)


if __name__ == "__main__":
    main()
