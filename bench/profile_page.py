"""Where a page's server time goes: one tab reruns a page back to back while py-spy samples the server.

    pip install py-spy            # a benchmarking tool only: not in requirements*.txt
    python bench/profile_page.py --page gates --seconds 20          # artifacts/profile-gates.txt
    python bench/profile_page.py --page step-through --action play

Actions: ``type`` (a new sentence each rerun: the full script), ``step`` / ``unit`` (move that
slider: the fragment holding it, if any), ``visit`` (a new tab opens the page), ``play`` (press Play, then the fragment timer's ticks).
Writes py-spy's collapsed stacks (``--format raw``) and prints the 25 heaviest functions by
self and by total time, so a change can be aimed at what the server really spends time on.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stclient import Session, server_cpu, start_server, stop_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("the film was slow but the ending made me smile again and again , a quiet warm story about two "
         "brothers who never stop arguing over nothing at all ; bold acting weak plot great music").split()


def sentence(rng: random.Random, tokens: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(tokens))


async def drive(url: str, page: str, action: str, seconds: float, tokens: int, query: str,
                on_warm) -> int:
    rng = random.Random(0)
    s = Session(url, page=page, query=query)
    await s.open()
    for _ in range(3):  # warm-up: imports, model load, first trace of this shape
        await s.set("sentence", sentence(rng, tokens))
    on_warm()
    loop = asyncio.get_running_loop()
    end, runs = loop.time() + seconds, 0
    while loop.time() < end:
        if action == "type":
            await s.set("sentence", sentence(rng, tokens))
        elif action in ("step", "unit"):
            await s.set(action, runs % 7 + 1)
        elif action == "visit":  # a new tab's first visit (websocket + first run; no static files)
            tab = Session(url, page=page, query=query)
            await tab.open()
            await tab.close()
        elif action == "play":
            if s.timer is None:
                await s.set("step", 0)
                await s.set("st_play", True)
            await s.tick()
        runs += 1
    if s.errors:
        raise RuntimeError(s.errors[0])
    await s.close()
    return runs


def summarise(raw: Path, top: int = 25) -> None:
    self_time, total_time, samples = collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        samples += n
        self_time[frames[-1]] += n
        for f in set(frames):
            total_time[f] += n
    print(f"{samples} samples")
    for title, counter in (("self", self_time), ("total", total_time)):
        print(f"--- by {title} time")
        for frame, n in counter.most_common(top):
            print(f"{100 * n / samples:5.1f}%  {frame[:160]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", default="gates")
    ap.add_argument("--action", default="type", choices=("type", "step", "unit", "play", "visit"))
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--tokens", type=int, default=40)
    ap.add_argument("--query", default="", help="query string of the first visit, e.g. model=untrained")
    ap.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    args = ap.parse_args()
    out = ROOT / "artifacts" / f"profile-{args.page}-{args.action}.txt"
    out.parent.mkdir(exist_ok=True)
    server, port = start_server(ROOT / "app.py")
    try:
        started = {}

        def on_warm():  # profile only the steady state, not the first run's imports
            started["cpu"] = server_cpu(server.pid)
            started["spy"] = subprocess.Popen(
                ["py-spy", "record", "--pid", str(server.pid), "--format", "raw", "--rate", str(args.rate),
                 "--duration", str(int(args.seconds)), "--nonblocking", "--gil", "-o", str(out)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        runs = asyncio.run(drive(f"ws://127.0.0.1:{port}/_stcore/stream", args.page, args.action,
                                 args.seconds, args.tokens, args.query, on_warm))
        cpu = server_cpu(server.pid) - started["cpu"]
        started["spy"].wait(60)
    finally:
        stop_server(server)
    print(f"{runs} reruns of {args.page} ({args.action}): server CPU {1000 * cpu / max(runs, 1):.1f} ms per rerun")
    summarise(out)


if __name__ == "__main__":
    main()
