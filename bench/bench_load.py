"""Load benchmark: a class of N students typing sentences into one rnnviz server at once.

    python bench/bench_load.py                       # 50 sessions, 4 sentences each (about 1 minute)
    python bench/bench_load.py --sessions 10 --rounds 2 --think 1

What it does (loopback only, every loop bounded):
1. starts `streamlit run app.py` on 127.0.0.1 and a free port, waits for /_stcore/health;
2. speaks Streamlit's own websocket protocol (the one the browser speaks, /_stcore/stream): a
   `BackMsg.rerun_script` carrying the widget states, answered by `ForwardMsg`s (`new_session`,
   `delta`s, ..., `script_finished`). The first run tells us the id of the text box with key
   `sentence` (the app's contract); every later interaction sets it to a new sentence;
3. one session alone types `--single` sentences -> the single-user interaction times; then it moves
   the unit slider `--moves` times (with the id of the st.fragment holding the slider, as the
   browser sends it: only that fragment reruns) -> slider-move times and server CPU per move;
4. N sessions connect (staggered over `--ramp` s) and each types `--rounds` different sentences with
   a random think time around `--think` s -> the loaded interaction times;
5. a sampler thread records the server's resident memory (RSS, process + children) every 50 ms.

Interaction time = BackMsg sent -> `script_finished` received: the server's work plus the transfer
of every delta over loopback. The browser's own Plotly drawing is not included: it runs on each
student's machine and does not grow with the number of students.

Prints p50 / p95 for one session and for N sessions, their ratio, peak RSS, and a JSON line.
Targets (DESIGN.md section 8): p95(N=50) <= 2 x p95(single); peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("the film was slow but the ending made me smile again and again, a quiet warm story "
         "about two brothers who never stop arguing over nothing at all; bold acting, weak plot, "
         "great music, terrible jokes, lovely colours, dull middle part, strong finish").split()


def sentence(rng: random.Random) -> str:
    """A different plausible sentence each call (6-14 words)."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app: Path, port: int, threads: str | None) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if threads:  # torch reads these at start-up for its intra-op pool (torch.get_num_threads())
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = threads
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=app.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not answer /_stcore/health within 60 s")


def server_cpu(pid: int) -> float:
    """User + system CPU seconds used so far by the server process and its children."""
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc] + proc.children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


class RssSampler(threading.Thread):
    """Peak resident memory of the server process and its children, sampled every 50 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.proc, self.peak, self.stop_flag = psutil.Process(pid), 0, threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            try:
                rss = self.proc.memory_info().rss + sum(
                    c.memory_info().rss for c in self.proc.children(recursive=True))
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            self.stop_flag.wait(0.05)


class Session:
    """One browser tab, as the server sees it: a websocket speaking BackMsg / ForwardMsg."""

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout
        self.ws = None
        self.sentence_id: str | None = None
        self.sentence = ""  # the text this session last typed (sent again with a slider move)
        self.unit_id: str | None = None  # the unit slider (key "unit"), if the page has one
        self.unit_fragment = ""  # id of the st.fragment holding it ("" = not in a fragment)
        self.errors: list[str] = []

    async def open(self):
        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=None,
                                open_timeout=self.timeout, ping_interval=None)
        await self._run(None)  # first page load (what a tab does when it connects)
        if self.sentence_id is None:
            raise RuntimeError("no text box with key 'sentence' on the first page")

    async def type(self, text: str) -> float:
        """Set the sentence box to `text`; seconds until the rerun finished."""
        self.sentence = text
        return await self._run(text)

    async def move_unit(self, unit: int) -> float:
        """Move the unit slider to `unit`, as the browser does: the widget states plus, when the
        slider lives in an st.fragment, that fragment's id (only the fragment reruns)."""
        if self.unit_id is None:
            raise RuntimeError("no slider with key 'unit' on the page")
        return await self._run(self.sentence, unit=unit, fragment_id=self.unit_fragment)

    async def _run(self, text: str | None, unit: int | None = None, fragment_id: str = "") -> float:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.fragment_id = fragment_id
        if text is not None:
            w = msg.rerun_script.widget_states.widgets.add()
            w.id, w.string_value = self.sentence_id, text
        if unit is not None:
            w = msg.rerun_script.widget_states.widgets.add()
            w.id = self.unit_id
            w.double_array_value.data.append(float(unit))
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:  # bounded by the timeout below
            raw = await asyncio.wait_for(self.ws.recv(), timeout=self.timeout)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                which = el.WhichOneof("type")
                if which == "text_input" and el.text_input.id.endswith("-sentence"):
                    self.sentence_id = el.text_input.id
                elif which == "slider" and el.slider.id.endswith("-unit"):
                    self.unit_id, self.unit_fragment = el.slider.id, fwd.delta.fragment_id
                elif which == "exception":
                    self.errors.append(el.exception.message[:200])
            elif kind == "script_finished":
                if fwd.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                           ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    return time.perf_counter() - start

    async def close(self):
        if self.ws is not None:
            await self.ws.close()


def pct(values: list[float], q: float) -> float:
    """q-th percentile (0..100), linear interpolation."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


async def single_user(url: str, n: int, timeout: float, rng: random.Random, on_warm=lambda: None,
                      moves: int = 0, move_times: list[float] | None = None, on_moves=lambda: None) -> list[float]:
    move_times = [] if move_times is None else move_times
    s = Session(url, timeout)
    await s.open()
    await s.type(sentence(rng))  # warm-up: first trace of a new sentence shape
    on_warm()
    times = []
    for _ in range(n):
        times.append(await s.type(sentence(rng)))
        await asyncio.sleep(0.2)
    on_moves()
    for i in range(moves):  # the same session then moves the unit slider (the trace is cached)
        move_times.append(await s.move_unit(1 + i % 3))
        await asyncio.sleep(0.2)
    await s.close()
    if s.errors:
        raise RuntimeError(f"the app raised: {s.errors[0]}")
    return times


async def classroom(url: str, sessions: int, rounds: int, think: float, ramp: float, timeout: float,
                    seed: int) -> tuple[list[float], list[float], list[str]]:
    times, connects, errors = [], [], []

    async def student(i: int):
        rng = random.Random(seed * 1000 + i)
        await asyncio.sleep(rng.uniform(0, ramp))
        s = Session(url, timeout)
        t0 = time.perf_counter()
        try:
            await s.open()
            connects.append(time.perf_counter() - t0)
            for _ in range(rounds):
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
                times.append(await s.type(sentence(rng)))
        except Exception as err:  # a timeout or a dropped socket is a result, not a crash
            errors.append(f"session {i}: {type(err).__name__}: {err}")
        finally:
            errors.extend(f"session {i}: {e}" for e in s.errors)
            await s.close()

    await asyncio.gather(*(student(i) for i in range(sessions)))
    return times, connects, errors


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--app", default=str(ROOT / "app.py"))
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=4, help="sentences typed per session")
    ap.add_argument("--single", type=int, default=12, help="sentences typed by the lone user")
    ap.add_argument("--think", type=float, default=3.0, help="mean seconds between a student's sentences")
    ap.add_argument("--ramp", type=float, default=5.0, help="students connect over this many seconds")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds before one rerun counts as failed")
    ap.add_argument("--threads", default=None, help="OMP_NUM_THREADS for the server (torch's intra-op threads)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--moves", type=int, default=12,
                    help="unit-slider moves by the lone user after its sentences (0: none)")
    args = ap.parse_args(argv)

    load_before = os.getloadavg()[0]  # the host is shared: a busy machine inflates every figure
    port = free_port()
    server = start_server(Path(args.app).resolve(), port, args.threads)
    sampler = RssSampler(server.pid)
    sampler.start()
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    try:
        warm, moved, move_times = [], [], []
        single = asyncio.run(single_user(url, args.single, args.timeout, random.Random(args.seed),
                                         on_warm=lambda: warm.append(server_cpu(server.pid)),
                                         moves=args.moves, move_times=move_times,
                                         on_moves=lambda: moved.append(server_cpu(server.pid))))
        cpu0 = warm[0]
        cpu_moves = moved[0]
        cpu1 = server_cpu(server.pid)
        idle_rss = sampler.peak
        loaded, connects, errors = asyncio.run(classroom(
            url, args.sessions, args.rounds, args.think, args.ramp, args.timeout, args.seed))
        cpu2 = server_cpu(server.pid)
    finally:
        sampler.stop_flag.set()
        sampler.join()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()

    result = {
        "sessions": args.sessions, "rounds": args.rounds, "think_s": args.think,
        "single_p50_ms": 1000 * pct(single, 50), "single_p95_ms": 1000 * pct(single, 95),
        "loaded_p50_ms": 1000 * pct(loaded, 50) if loaded else None,
        "loaded_p95_ms": 1000 * pct(loaded, 95) if loaded else None,
        "loaded_max_ms": 1000 * max(loaded) if loaded else None,
        "connect_p95_ms": 1000 * pct(connects, 95) if connects else None,
        "interactions": len(loaded), "expected_interactions": args.sessions * args.rounds,
        "errors": len(errors), "rss_single_mb": idle_rss / 2**20, "rss_peak_mb": sampler.peak / 2**20,
        "cpu_count": os.cpu_count(), "threads": args.threads or "torch default",
        # server CPU seconds per script run (a connect is one run, a sentence one more): what a
        # rerun costs whatever else the host is doing; capacity ~ cores / this, in reruns per second
        "server_cpu_ms_per_run_single": 1000 * (cpu_moves - cpu0) / args.single,
        "move_p50_ms": 1000 * pct(move_times, 50) if move_times else None,
        "move_p95_ms": 1000 * pct(move_times, 95) if move_times else None,
        "server_cpu_ms_per_move": 1000 * (cpu1 - cpu_moves) / len(move_times) if move_times else None,
        "server_cpu_ms_per_run_loaded": 1000 * (cpu2 - cpu1) / max(1, len(loaded) + len(connects)),
        "loadavg_1min_before": load_before, "loadavg_1min_after": os.getloadavg()[0],
    }
    ratio = result["loaded_p95_ms"] / result["single_p95_ms"] if loaded else float("inf")
    result["p95_ratio"] = ratio
    print(f"single session : p50 {result['single_p50_ms']:7.1f} ms   p95 {result['single_p95_ms']:7.1f} ms"
          f"   ({len(single)} sentences)")
    if move_times:
        print(f"slider moves   : p50 {result['move_p50_ms']:7.1f} ms   p95 {result['move_p95_ms']:7.1f} ms"
              f"   ({len(move_times)} unit moves, one session, server CPU "
              f"{result['server_cpu_ms_per_move']:.0f} ms each)")
    if loaded:
        print(f"{args.sessions:3d} sessions    : p50 {result['loaded_p50_ms']:7.1f} ms   p95 "
              f"{result['loaded_p95_ms']:7.1f} ms   max {result['loaded_max_ms']:7.1f} ms"
              f"   ({len(loaded)}/{args.sessions * args.rounds} sentences, think ~{args.think:g} s)")
    print(f"p95 ratio      : {ratio:.2f}x   (target <= 2x)")
    print(f"server CPU     : {result['server_cpu_ms_per_run_single']:.0f} ms per script run alone, "
          f"{result['server_cpu_ms_per_run_loaded']:.0f} ms under load (capacity ~"
          f"{1000 * os.cpu_count() / result['server_cpu_ms_per_run_loaded']:.1f} runs/s on {os.cpu_count()} cores)")
    print(f"server RSS     : {result['rss_single_mb']:.0f} MB after one user, peak "
          f"{result['rss_peak_mb']:.0f} MB   (target <= 1024 MB)")
    print(f"host load     : 1-min load average {load_before:.1f} before, {result['loadavg_1min_after']:.1f}"
          f" after ({os.cpu_count()} cores; other work on the host counts here too)")
    for e in errors[:5]:
        print("error:", e)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
