"""A class pressing Train at once: many sessions against one lab scheduler (issue 13 item 3).

    python bench/bench_lab_load.py                       # 50 sessions, 2 workers
    python bench/bench_lab_load.py --sessions 50 --distinct 10 --lag 40 --steps 200

What it does: one ``rnnviz.lab.scheduler.Scheduler`` as the app builds it (``ui/lab.py``: shipped
runs answer at once, ``--workers`` trainings at a time, a wall-clock cap); ``--sessions`` threads,
one per student, started within ``--ramp`` seconds, each pressing Train once and then polling its
ticket every 0.25 s (the page's heartbeat) until the run arrives. The class does what a class does:
``--shipped`` students press Train on the page's default (the shipped race configuration, answered
from assets/lab), the others split over ``--distinct`` configurations that are not shipped
(delayed recall at ``--lag``, seeds 10, 11, …), so identical ones must be trained once and shared.
A few students (``--stoppers``) press Stop after 1 s and a few (``--leavers``) close the tab
(stop polling) — their slots must come free. Sampled every 50 ms: trainings running (never more
than --workers) and this process's resident memory.

Reports: trainings actually run (single flight: = distinct configurations), queue waits
(Train -> training started) p50 / p95 / max, time to result p50 / p95 / max, CPU seconds of the
process, peak RSS, peak concurrent trainings, errors; and a JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from pathlib import Path

import psutil
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rnnviz.lab import runs  # noqa: E402
from rnnviz.lab.scheduler import Scheduler  # noqa: E402


def pct(values, q):
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def shipped(task, cell, seed, options):
    name = runs.find_shipped(task, cell, seed, options)
    return runs.load_run(name) if name else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--distinct", type=int, default=8)
    ap.add_argument("--shipped", type=int, default=20)
    ap.add_argument("--stoppers", type=int, default=3)
    ap.add_argument("--leavers", type=int, default=3)
    ap.add_argument("--lag", type=int, default=40)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--cap", type=float, default=90.0)
    ap.add_argument("--ramp", type=float, default=2.0)
    args = ap.parse_args()
    torch.set_num_threads(1)
    sched = Scheduler(workers=args.workers, max_seconds=args.cap, idle_seconds=3.0, shipped=shipped)
    proc = psutil.Process()
    rng = random.Random(0)
    plans = []
    for i in range(args.sessions):
        if i < args.shipped:
            plans.append(("shipped", ("delayed-recall", "GRU", 0, {"lag": 100})))
        else:
            j = (i - args.shipped) % args.distinct
            cell = ("RNN", "LSTM", "GRU")[j % 3]
            plans.append(("train", ("delayed-recall", cell, 10 + j, {"lag": args.lag, "steps": args.steps})))
    roles = ["wait"] * args.sessions
    trainers = [i for i, (kind, _) in enumerate(plans) if kind == "train"]
    rng.shuffle(trainers)
    for i in trainers[:args.stoppers]:
        roles[i] = "stop"
    for i in trainers[args.stoppers:args.stoppers + args.leavers]:
        roles[i] = "leave"

    results = [None] * args.sessions
    errors: list[str] = []
    peak = {"running": 0, "rss": 0}
    done = threading.Event()

    def sampler():
        while not done.is_set():
            peak["running"] = max(peak["running"], sched.status()["running"])
            peak["rss"] = max(peak["rss"], proc.memory_info().rss)
            done.wait(0.05)

    def student(i: int):
        time.sleep(rng.random() * args.ramp)
        kind, (task, cell, seed, options) = plans[i]
        t0 = time.monotonic()
        try:
            ticket = sched.submit(f"session-{i}", task, cell, seed, **options)
            while ticket.active:
                elapsed = time.monotonic() - t0
                if roles[i] == "stop" and elapsed > 1.0:
                    ticket.stop()
                    break
                if roles[i] == "leave" and elapsed > 1.0:
                    break                                          # tab closed: no more polling
                ticket.poll()
                time.sleep(0.25)
            if roles[i] == "leave":
                results[i] = {"role": "leave", "kind": kind}
                return
            wait = (ticket.started - ticket.submitted) if ticket.started else 0.0
            if ticket.state == "failed":
                errors.append(f"session {i}: {ticket.error}")
            results[i] = {"role": roles[i], "kind": kind, "state": ticket.state, "wait": wait,
                          "total": time.monotonic() - t0,
                          "accuracy": ticket.result.final_accuracy if ticket.result else None}
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"session {i}: {type(exc).__name__}: {exc}")

    threading.Thread(target=sampler, daemon=True).start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=student, args=(i,)) for i in range(args.sessions)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=args.cap * (args.distinct + 2))
    deadline = time.monotonic() + 30                           # let the leavers' slots come free
    while sched.status()["running"] and time.monotonic() < deadline:
        time.sleep(0.1)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    done.set()

    waited = [r for r in results if r and r["role"] == "wait"]
    trained = [r for r in waited if r["kind"] == "train"]
    instant = [r for r in waited if r["kind"] == "shipped"]
    summary = {
        "sessions": args.sessions, "workers": args.workers, "distinct_configs": args.distinct,
        "trainings_run": sched.trained, "peak_concurrent_trainings": peak["running"],
        "queue_wait_p50_s": round(pct([r["wait"] for r in trained], 50), 2),
        "queue_wait_p95_s": round(pct([r["wait"] for r in trained], 95), 2),
        "queue_wait_max_s": round(max([r["wait"] for r in trained], default=0), 2),
        "result_p50_s": round(pct([r["total"] for r in trained], 50), 2),
        "result_p95_s": round(pct([r["total"] for r in trained], 95), 2),
        "result_max_s": round(max([r["total"] for r in trained], default=0), 2),
        "shipped_result_p50_s": round(pct([r["total"] for r in instant], 50), 3),
        "shipped_result_max_s": round(max([r["total"] for r in instant], default=0), 3),
        "stopped_ok": sum(1 for r in results if r and r["role"] == "stop" and r["state"] == "stopped"),
        "done": sum(1 for r in waited if r["state"] == "done"),
        "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_rss_mb": round(peak["rss"] / 2**20),
        "errors": len(errors), "slots_free_at_end": sched.status()["running"] == 0,
    }
    print(f"{args.sessions} sessions pressing Train, {args.workers} workers, {args.distinct} distinct configs "
          f"(delayed recall lag {args.lag}, {args.steps} steps) + {args.shipped} on the shipped default")
    for k, v in summary.items():
        print(f"  {k:28s} {v}")
    for e in errors[:5]:
        print("  error:", e)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
