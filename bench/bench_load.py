"""Load benchmark: a class of N students on one rnnviz server, run several times in a row.

    python bench/bench_load.py                        # 5 runs, 50 sessions, every page below (~5 min)
    python bench/bench_load.py --runs 1 --sessions 10 --pages gates
    python bench/bench_load.py --pages gates:type --floor   # + the same class on the Gate Explorer's floor

Each run starts a fresh server (``streamlit run app.py`` on 127.0.0.1, a free port; bench/stclient.py
speaks the browser's websocket protocol to it) and, page after page:
1. **single user**: one tab alone does ``--single`` interactions -> its interaction times (the
   baseline, measured in the same run as the class, so both see the same host); five more tabs
   open the page one after the other -> the time of a first visit alone;
2. **connect storm**: N tabs open the page within ``--ramp`` s (a class following the teacher's
   link), and nobody types until every tab has its page -> first-visit times under the storm;
3. **the class works**: every tab does ``--rounds`` interactions, a random think time (uniform
   0.5-1.5 x ``--think``) before each -> loaded interaction times.

Interactions per page (``page:action``; a page not in this app's navigation is skipped):
- ``type``: a new sentence in the box with key ``sentence`` (6-14 words): the full script runs;
- ``play``: the step-through's Play: a new sentence, Play pressed, then ``--ticks`` ticks of the
  fragment timer (what the browser sends every 1.2 s while playing; the tick is what is timed);
- ``rerun``: a plain rerun (a page without a sentence box).

``--floor``: after the app's pages, each run also starts the Gate Explorer's *floor* (a script with
the sentence box and the six heatmaps of the typed sentence, sliced from arrays traced once: the least
any app drawing these charts must do) and puts the same single user and class on it. If the floor
itself misses the target, no app code can meet it on one Streamlit process.

Interaction time = BackMsg sent -> ``script_finished`` received: the server's work plus the transfer
of every delta over loopback; the browser's drawing runs on each student's machine and is not here.
Also recorded per run: the server's CPU per interaction, its peak RSS, the host's load average and
the share of the host's CPU that *other* processes used meanwhile (the machine is shared).

Prints one line per page and run, then per page the median and worst p95 ratio over the runs, and a
JSON line. Targets (DESIGN.md section 8): p95(N) <= 2 x p95(single) in the median of 5 runs, worst
run <= 3 x; peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stclient import HostSampler, Session, pct, server_cpu, start_server, stop_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("the film was slow but the ending made me smile again and again, a quiet warm story "
         "about two brothers who never stop arguing over nothing at all; bold acting, weak plot, "
         "great music, terrible jokes, lovely colours, dull middle part, strong finish").split()
DEFAULT_NAMES = ("gates",)  # the url_path of app.py's default page
PAGES = "gates:type,step-through:play,neuron-view:type,learn:type,state-space:type"


FLOOR_PAGE = "floor:gates"
FLOOR_APP = textwrap.dedent('''
    """The Gate Explorer's floor for bench/bench_load.py: the sentence box and the six heatmaps of the
    typed sentence's first n tokens, sliced from arrays traced once (no trace, no widgets, no text)."""
    import sys
    import numpy as np, streamlit as st
    sys.path.insert(0, ROOT)
    from rnnviz.plots import heatmaps
    from ui import charts

    @st.cache_resource
    def arrays():
        data = np.load(DATA, allow_pickle=False)
        return {name: data[name] for name in data.files}

    data = arrays()
    text = st.text_input("Sentence", key="sentence")
    n = max(1, min(len(text.split()), len(data["tokens"])))
    tokens = [str(t) for t in data["tokens"][:n]]
    meta = data["meta"]; quantities = [str(q) for q in data["quantities"]]
    get = lambda name, layer, d: data[f"{name}|{layer}|{d}"][:n]
    grid = heatmaps.layer_specs(get, quantities, tokens, num_layers=int(meta[0]),
                               num_directions=int(meta[1]), step=0, unit=0)
    for layer, row in enumerate(grid):
        for name, fig in row:
            charts.show(fig, key=f"{layer}-{name}")
''')


def write_floor_app() -> Path:
    """The floor app and its arrays (the app's default model on WORDS, traced once) in artifacts/."""
    from bench_app import DEFAULT_MODEL, write_floor_arrays

    folder = ROOT / "artifacts" / "bench-floors"
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "load-gates-arrays.npz"
    write_floor_arrays(data, {"model": DEFAULT_MODEL}, " ".join(WORDS), 0)
    app = folder / "load_floor_app.py"
    app.write_text(f"ROOT = {str(ROOT)!r}\nDATA = {str(data)!r}\n" + FLOOR_APP)
    return app


def sentence(rng: random.Random, lo: int = 6, hi: int = 14) -> str:
    """A different plausible sentence each call (lo-hi words)."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


class Student:
    """A tab on one page doing one kind of interaction; ``act()`` returns the timed latencies."""

    def __init__(self, url: str, page: str, action: str, rng: random.Random, ticks: int, timeout: float):
        self.session, self.action, self.rng, self.ticks = Session(url, page=page, timeout=timeout), action, rng, ticks

    async def open(self) -> float:
        took = await self.session.open()
        if self.action in ("type", "play") and not self.session.has("sentence"):
            self.action = "rerun"  # a page without the sentence box: reruns only
        return took

    async def act(self, pace: float = 0.0) -> list[float]:
        s = self.session
        if self.action == "type":
            return [await s.set("sentence", sentence(self.rng))]
        if self.action == "rerun":
            return [await s.rerun()]
        # play: a sentence long enough for every tick, Play, then the timer's ticks at its own pace
        await s.set("sentence", sentence(self.rng, self.ticks + 2, self.ticks + 8))
        await s.set("st_play", True)
        if s.timer is None:
            raise RuntimeError("Play started no fragment timer")
        interval = s.timer[0] if pace is None else pace
        times = []
        for _ in range(self.ticks):
            await asyncio.sleep(interval)
            if s.timer is None:  # playing stopped (the end of the sentence)
                break
            times.append(await s.tick())
        if s.timer is not None:
            await s.set("st_play", True)  # the same button, now Pause
        return times

    @property
    def errors(self) -> list[str]:
        return self.session.errors


async def single_user(url, page, action, args, rng) -> dict:
    alone = Student(url, page, action, rng, args.ticks, args.timeout)
    await alone.open()
    await alone.act(0.2)  # warm-up: the page's imports, the model, the first trace of a shape
    times = []
    while len(times) < args.single:
        times += await alone.act(0.2)  # a lone user's ticks need not wait 1.2 s: nobody else is there
        await asyncio.sleep(0.2)
    await alone.session.close()
    connects = []
    for i in range(5):  # first visits, one at a time
        tab = Student(url, page, action, random.Random(i), args.ticks, args.timeout)
        connects.append(await tab.open())
        await tab.session.close()
    if alone.errors:
        raise RuntimeError(f"{page}: the app raised: {alone.errors[0]}")
    return dict(times=times[:args.single], connects=connects, action=alone.action)


async def classroom(url, page, action, args, seed) -> dict:
    students = [Student(url, page, action, random.Random(seed * 1000 + i), args.ticks, args.timeout)
                for i in range(args.sessions)]
    connects, times, errors = [], [], []

    async def visit(i, s):
        await asyncio.sleep(s.rng.uniform(0, args.ramp))
        try:
            connects.append(await s.open())
        except Exception as err:  # a timeout or a dropped socket is a result, not a crash
            errors.append(f"tab {i} connect: {type(err).__name__}: {err}")

    async def work(i, s):
        try:
            for _ in range(args.rounds):
                await asyncio.sleep(s.rng.uniform(0.5 * args.think, 1.5 * args.think))
                times.extend(await s.act(None))
        except Exception as err:
            errors.append(f"tab {i}: {type(err).__name__}: {err}")

    await asyncio.gather(*(visit(i, s) for i, s in enumerate(students)))  # the storm, then the work
    opened = [(i, s) for i, s in enumerate(students) if s.session.ws is not None and s.session.page_hash]
    await asyncio.gather(*(work(i, s) for i, s in opened))
    for i, s in enumerate(students):
        errors.extend(f"tab {i}: {e}" for e in s.errors)
        await s.session.close()
    return dict(connects=connects, times=times, errors=errors)


def ms(values: list[float], q: float) -> float | None:
    return round(1000 * pct(values, q), 1) if values else None


def page_name(url: str, page: str, timeout: float) -> str | None:
    """The page name to request for ``page``, None if the app has no such page. Streamlit 1.67
    answers the *default* page's own url_path with page_not_found (and still runs it); the browser
    reaches it as "" (the app's root), so the benchmark does too."""
    async def probe(name):
        s = Session(url, page=name, timeout=timeout)
        await s.open()
        await s.close()
        return s.page_hash, s.not_found
    page_hash, not_found = asyncio.run(probe(page))
    if not not_found:
        return page
    root_hash, _ = asyncio.run(probe(""))
    return "" if page_hash and page_hash == root_hash and page in DEFAULT_NAMES else None


def measure_page(run: int, server, url: str, page: str, name: str, action: str, args) -> dict:
    """One page of one run on a started server: the lone user, then the class."""
    host = HostSampler(server.pid)
    host.start()
    cpu0 = server_cpu(server.pid)
    alone = asyncio.run(single_user(url, name, action, args, random.Random(args.seed + run)))
    cpu1 = server_cpu(server.pid)
    crowd = asyncio.run(classroom(url, name, action, args, args.seed + run))
    cpu2 = server_cpu(server.pid)
    env = host.stop()
    interactions = len(alone["times"]) + 6  # the lone tab's warm-up run and five first visits
    r = dict(run=run, page=page, action=alone["action"], sessions=args.sessions,
             single_p50_ms=ms(alone["times"], 50), single_p95_ms=ms(alone["times"], 95),
             class_p50_ms=ms(crowd["times"], 50), class_p95_ms=ms(crowd["times"], 95),
             class_max_ms=ms(crowd["times"], 100),
             interactions=len(crowd["times"]), errors=len(crowd["errors"]),
             first_visit_single_p95_ms=ms(alone["connects"], 95),
             storm_p50_ms=ms(crowd["connects"], 50), storm_p95_ms=ms(crowd["connects"], 95),
             storm_max_ms=ms(crowd["connects"], 100), storm_visits=len(crowd["connects"]),
             server_cpu_ms_single=round(1000 * (cpu1 - cpu0) / interactions, 1),
             server_cpu_ms_class=round(1000 * (cpu2 - cpu1) / max(1, len(crowd["times"]) + len(crowd["connects"])), 1),
             **env, first_errors=crowd["errors"][:3])
    r["p95_ratio"] = round(r["class_p95_ms"] / r["single_p95_ms"], 2) if crowd["times"] else None
    r["storm_ratio"] = (round(r["storm_p95_ms"] / r["first_visit_single_p95_ms"], 2)
                        if crowd["connects"] else None)
    print(f"run {run} {page:13s} {r['action']:5s} single p95 {r['single_p95_ms']:6.0f} ms | class p50 "
          f"{r['class_p50_ms']:6.0f} p95 {r['class_p95_ms']:6.0f} ms -> {r['p95_ratio']:.2f}x "
          f"({r['interactions']} acts, {r['errors']} errors) | first visit {r['first_visit_single_p95_ms']:5.0f}"
          f" ms, storm p95 {r['storm_p95_ms']:6.0f} ms ({r['storm_ratio']:.1f}x) | CPU/act "
          f"{r['server_cpu_ms_single']:.0f} alone, {r['server_cpu_ms_class']:.0f} class | RSS "
          f"{r['rss_peak_mb']:.0f} MB | load {env['loadavg_before'][0]:.1f}->{env['loadavg_after'][0]:.1f}, "
          f"others {100 * env['others_cpu_share']:.0f}% of the host", flush=True)
    for e in crowd["errors"][:3]:
        print("   error:", e)
    return r


def one_run(run: int, pages: list[tuple[str, str]], args) -> list[dict]:
    server, port = start_server(Path(args.app).resolve(), threads=args.threads)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    results = []
    try:
        for page, action in pages:
            name = page_name(url, page, args.timeout)
            if name is None:
                print(f"run {run}: page {page!r} is not in this app's navigation: skipped")
                continue
            results.append(measure_page(run, server, url, page, name, action, args))
    finally:
        stop_server(server)
    if args.floor:  # the same class on the floor app, right after, on a fresh server
        server, port = start_server(write_floor_app(), threads=args.threads, cwd=ROOT)
        try:
            results.append(measure_page(run, server, f"ws://127.0.0.1:{port}/_stcore/stream", FLOOR_PAGE, "",
                                        "type", args))
        finally:
            stop_server(server)
    return results


def summary(results: list[dict]) -> dict:
    out = {}
    for page in dict.fromkeys(r["page"] for r in results):
        rows = [r for r in results if r["page"] == page and r["p95_ratio"] is not None]
        if not rows:
            continue
        ratios = [r["p95_ratio"] for r in rows]
        storms = [r["storm_p95_ms"] for r in rows if r["storm_p95_ms"] is not None]
        out[page] = dict(runs=len(rows), p95_ratio_median=round(statistics.median(ratios), 2),
                         p95_ratio_worst=max(ratios), p95_ratios=ratios,
                         single_p95_ms_median=statistics.median(r["single_p95_ms"] for r in rows),
                         class_p95_ms_median=statistics.median(r["class_p95_ms"] for r in rows),
                         storm_p95_ms_median=statistics.median(storms) if storms else None,
                         storm_p95_ms_worst=max(storms) if storms else None,
                         storm_ratio_median=statistics.median(r["storm_ratio"] for r in rows),
                         first_visit_single_p95_ms_median=statistics.median(r["first_visit_single_p95_ms"] for r in rows),
                         rss_peak_mb=max(r["rss_peak_mb"] for r in rows), errors=sum(r["errors"] for r in rows),
                         others_cpu_share_median=statistics.median(r["others_cpu_share"] for r in rows),
                         loadavg_1min_max=max(max(r["loadavg_before"][0], r["loadavg_after"][0]) for r in rows))
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--app", default=str(ROOT / "app.py"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", default=PAGES, help="comma-separated page:action (type | play | rerun)")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3, help="interactions per tab after the storm")
    ap.add_argument("--single", type=int, default=12, help="interactions of the lone user")
    ap.add_argument("--think", type=float, default=3.0, help="mean seconds between a student's interactions")
    ap.add_argument("--ramp", type=float, default=2.0, help="the storm: every tab opens within this many seconds")
    ap.add_argument("--ticks", type=int, default=4, help="Play: timer ticks timed per round")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds before one rerun counts as failed")
    ap.add_argument("--threads", default=None, help="OMP_NUM_THREADS for the server (torch's intra-op threads)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--floor", action="store_true",
                    help="also run the class on the Gate Explorer's floor app (its six heatmaps, nothing else)")
    args = ap.parse_args(argv)
    pages = [tuple((spec.split(":") + ["type"])[:2]) for spec in args.pages.split(",") if spec]

    started, cpu_started = time.perf_counter(), time.process_time()
    results = []
    for run in range(1, args.runs + 1):
        results += one_run(run, pages, args)
    pages_summary = summary(results)
    print(f"--- {args.runs} runs, {args.sessions} sessions, {os.cpu_count()} cores, "
          f"{time.perf_counter() - started:.0f} s wall ({time.process_time() - cpu_started:.0f} s CPU of this client)")
    for page, s in pages_summary.items():
        print(f"{page:13s} p95 ratio median {s['p95_ratio_median']:.2f}x, worst {s['p95_ratio_worst']:.2f}x "
              f"(target <= 2x / <= 3x) | storm p95 median {s['storm_p95_ms_median']:.0f} ms, worst "
              f"{s['storm_p95_ms_worst']:.0f} ms ({s['storm_ratio_median']:.1f}x a lone first visit) | "
              f"peak RSS {s['rss_peak_mb']:.0f} MB | others used {100 * s['others_cpu_share_median']:.0f}% of the "
              f"host, load avg up to {s['loadavg_1min_max']:.1f}")
    output = dict(summary=pages_summary, runs=results)
    print(json.dumps(output))
    return output


if __name__ == "__main__":
    main()
