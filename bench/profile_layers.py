"""Where does the server's CPU go? Split a py-spy profile into HTTP server, event loop and ours.

Record the server under load with py-spy (installed in a throwaway venv, not the project's):

    py-spy record -p SERVER_PID -r 250 -f raw -o /tmp/streamable.txt -d 10

then `python -m bench.profile_layers /tmp/streamable.txt`. Each sample is charged to the
innermost frame that belongs to our server (`server/...`, including the library code it calls:
pydantic, json, datetime) or to Hypercorn/h11; samples in neither are the asyncio event loop.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*?):\d+\)$")
LOOP = "asyncio event loop, selector, other"
HTTP = "Hypercorn + h11"
OURS = "our server code (with the pydantic/json/datetime it calls)"


def classify(frames: list[str]) -> tuple[str, str | None]:
    """The layer a sample belongs to, and (for ours) the innermost server function."""
    for frame in reversed(frames):
        match = FRAME.match(frame)
        path = match.group("path") if match else frame
        if "hypercorn/" in path or "/h11/" in path:
            return HTTP, None
        if re.search(r"(^|/)server/", path) and not path.endswith("server/headless.py"):
            assert match is not None
            short = path[path.rfind("server/") :]
            return OURS, f"{match.group('function')} ({short})"
    return LOOP, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path, help="py-spy raw (collapsed stacks) output")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--cpu-per-call-ms", type=float, help="to convert shares into ms per call")
    args = parser.parse_args()
    layers: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for line in args.profile.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        layer, function = classify(stack.split(";"))
        layers[layer] += count
        if function is not None:
            ours[function] += count

    def share(count: int) -> str:
        text = f"{count / total:6.1%}"
        if args.cpu_per_call_ms:
            text += f"  {count / total * args.cpu_per_call_ms:.3f} ms/call"
        return text

    print(f"{total} samples")
    for layer, count in layers.most_common():
        print(f"{share(count)}  {layer}")
    print("\nour code, by innermost server function:")
    for function, count in ours.most_common(args.top):
        print(f"{share(count)}  {function}")


if __name__ == "__main__":
    main()
