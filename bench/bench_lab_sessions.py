"""A class pressing Train through real Streamlit sessions (issue 13 item 3, end to end).

    python bench/bench_lab_sessions.py                     # 50 tabs on /lab, the app's 2 trainers
    python bench/bench_lab_sessions.py --sessions 50 --distinct 8 --lag 40 --steps 200

``bench/bench_lab_load.py`` drives the scheduler directly; this drives the app. It starts
``streamlit run app.py`` (one torch thread, ``RNNVIZ_LAB_WORKERS`` trainers, a wall-clock cap) and
opens ``--sessions`` tabs on /lab as websocket clients speaking Streamlit's own protocol
(bench/stclient.py: the page, its query string, widget values and the fragment timer's ticks, what a
browser sends), started within ``--ramp`` seconds. Each tab presses Train, then sends the live
fragment's ticks at the page's own interval until the fragment stops (the run arrived and the page
drew its checkpoint scrubber). The class does what a class does:
- ``--shipped`` tabs press Train on the page's default (the race at lag 100, shipped in assets/lab):
  answered at once;
- ``--racers`` tabs press Train on one race that is not shipped (RNN, LSTM and GRU at ``--lag``,
  ``--steps``, seed 99: three jobs in the queue, shared by all of them);
- the others press Train on one of ``--distinct`` single-cell configurations that are not shipped
  (seeds 10, 11, …), so identical ones must be trained once and shared;
- ``--stoppers`` of those press Stop 1 s after Train and ``--leavers`` close the tab (their slots
  must come free: the queue reaps a tab silent for 20 s).

Queue wait of a tab (client side, to the tick, ≈ 1 s): Train -> the first answer that draws a progress
bar (a training of its request started), 0 when the answer is a finished run. Reports queue waits
and time to result (p50 / p95 / max), the server's CPU seconds, peak RSS of the server, the host's
load, errors (exceptions, error boxes, timeouts, a tab left without its result); and a JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from stclient import HostSampler, Session, pct, server_cpu, start_server, stop_server  # noqa: E402


def plans(args) -> list[tuple[str, str]]:
    """(kind, query string) per tab."""
    out = []
    for i in range(args.sessions):
        if i < args.shipped:
            out.append(("shipped", "lab_mode=race"))
        elif i < args.shipped + args.racers:
            out.append(("race", f"lab_mode=race&lab_lag={args.lag}&lab_steps={args.steps}&lab_seed=99"))
        else:
            j = (i - args.shipped - args.racers) % args.distinct
            cell = ("RNN", "LSTM", "GRU")[j % 3]
            out.append(("single", f"lab_mode=single&lab_cell={cell}&lab_lag={args.lag}"
                                  f"&lab_steps={args.steps}&lab_seed={10 + j}"))
    return out


async def student(i: int, url: str, kind: str, query: str, role: str, args, rng: random.Random) -> dict:
    await asyncio.sleep(rng.uniform(0, args.ramp))
    s = Session(url, page="lab", query=query, timeout=args.timeout)
    result = {"kind": kind, "role": role, "errors": []}
    try:
        await s.open()
        t0 = time.monotonic()
        await s.set("lab_train", True)
        started = 0.0 if s.timer is None else None
        if "progress" in s.kinds:
            started = time.monotonic() - t0
        if role == "leave":                                    # the tab is closed: no more ticks
            return result
        deadline = t0 + args.deadline
        while s.timer is not None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no result after {args.deadline:.0f} s")
            if role == "stop" and time.monotonic() - t0 > 1.0:
                await s.set("lab_stop", True)
                break
            await asyncio.sleep(s.timer[0])
            await s.tick()
            if started is None and "progress" in s.kinds:
                started = time.monotonic() - t0
        result.update(wait=started, total=time.monotonic() - t0, scrubber=s.has("lab_ckpt"))
        if role == "wait" and not s.has("lab_ckpt"):
            result["errors"].append("no checkpoint scrubber after the run")
    except Exception as err:  # a timeout or a dropped socket is a result, not a crash
        result["errors"].append(f"{type(err).__name__}: {err}")
    finally:
        result["errors"] += s.errors
        await s.close()
    return result


async def classroom(url: str, args) -> list[dict]:
    rng = random.Random(0)
    tabs = plans(args)
    roles = ["wait"] * len(tabs)
    singles = [i for i, (kind, _) in enumerate(tabs) if kind == "single"]
    rng.shuffle(singles)
    for i in singles[:args.stoppers]:
        roles[i] = "stop"
    for i in singles[args.stoppers:args.stoppers + args.leavers]:
        roles[i] = "leave"
    return await asyncio.gather(*(student(i, url, kind, query, roles[i], args, random.Random(i))
                                  for i, (kind, query) in enumerate(tabs)))


def summarise(results: list[dict], args, cpu: float, host: dict, wall: float) -> dict:
    waited = [r for r in results if r["role"] == "wait" and "total" in r]
    trained = [r for r in waited if r["kind"] != "shipped"]
    shipped = [r for r in waited if r["kind"] == "shipped"]
    waits = [r["wait"] for r in trained if r.get("wait") is not None]
    errors = [f"{r['kind']}/{r['role']}: {e}" for r in results for e in r["errors"]]

    def s(values, q):
        return round(pct(values, q), 2) if values else None

    return {
        "sessions": args.sessions, "workers": args.workers, "shipped": args.shipped, "racers": args.racers,
        "distinct_single": args.distinct, "lag": args.lag, "steps": args.steps,
        "queue_wait_p50_s": s(waits, 50), "queue_wait_p95_s": s(waits, 95), "queue_wait_max_s": s(waits, 100),
        "result_p50_s": s([r["total"] for r in trained], 50), "result_p95_s": s([r["total"] for r in trained], 95),
        "result_max_s": s([r["total"] for r in trained], 100),
        "shipped_result_p50_s": s([r["total"] for r in shipped], 50),
        "shipped_result_max_s": s([r["total"] for r in shipped], 100),
        "results_shown": sum(1 for r in waited if r.get("scrubber")), "tabs_waiting": len(waited),
        "stops_answered": sum(1 for r in results if r["role"] == "stop" and "total" in r and not r["errors"]),
        "server_cpu_s": round(cpu, 1), "wall_s": round(wall, 1), "peak_rss_mb": host["rss_peak_mb"],
        "loadavg_before": host["loadavg_before"], "others_cpu_share": host["others_cpu_share"],
        "errors": len(errors), "first_errors": errors[:5],
    }


async def warm_up(url: str, timeout: float) -> None:
    """One visit first: the server's imports and the page's first run are not the class's wait."""
    s = Session(url, page="lab", timeout=timeout)
    await s.open()
    await s.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shipped", type=int, default=15)
    ap.add_argument("--racers", type=int, default=5)
    ap.add_argument("--distinct", type=int, default=8)
    ap.add_argument("--stoppers", type=int, default=3)
    ap.add_argument("--leavers", type=int, default=3)
    ap.add_argument("--lag", type=int, default=40)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--cap", type=float, default=90.0)
    ap.add_argument("--ramp", type=float, default=5.0)
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds one answer may take")
    ap.add_argument("--deadline", type=float, default=900.0, help="seconds a tab waits for its result")
    args = ap.parse_args()
    os.environ["RNNVIZ_LAB_WORKERS"], os.environ["RNNVIZ_LAB_MAX_SECONDS"] = str(args.workers), str(args.cap)
    server, port = start_server(ROOT / "app.py", threads="1", cwd=ROOT)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    try:
        asyncio.run(warm_up(url, args.timeout))
        host = HostSampler(server.pid)
        cpu0, wall0 = server_cpu(server.pid), time.monotonic()
        host.start()
        results = asyncio.run(classroom(url, args))
        time.sleep(25)                                        # the leavers' slots come free (reaped at 20 s)
        cpu, wall = server_cpu(server.pid) - cpu0, time.monotonic() - wall0
        summary = summarise(results, args, cpu, host.stop(), wall)
    finally:
        stop_server(server)
    print(f"{args.sessions} tabs on /lab pressing Train ({args.workers} trainers): {args.shipped} on the shipped "
          f"race, {args.racers} on one race and the rest on {args.distinct} single cells (lag {args.lag}, "
          f"{args.steps} steps), {args.stoppers} press Stop, {args.leavers} leave")
    for k, v in summary.items():
        print(f"  {k:24s} {v}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
