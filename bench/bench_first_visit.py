"""First visit: from opening a link in a fresh browser to the first chart drawn, warm and cold,
against a floor app that imports the same libraries and draws one chart.

    python bench/bench_first_visit.py                  # 3 cold starts x 3 warm visits, app and floor
    python bench/bench_first_visit.py --cold 1 --warm 2 --path /step-through

- **cold** (a Community Cloud app that was asleep: the link wakes it): the server process is started,
  and the first request comes as soon as /_stcore/health answers; reported as *boot* (process start
  -> healthy: Streamlit's own start-up, the app's script has not run yet) and *visit* (goto -> first
  chart drawn: the first script run imports the app's libraries and loads its model);
- **warm**: more fresh browser contexts (no cache, no cookies: a student opening the link) on the
  same, now warm server: goto -> first chart drawn.

"First chart drawn" = the first ``.js-plotly-plot .main-svg`` in the page (Plotly has drawn the
chart's SVG). The browser is Debian's /usr/bin/chromium through Playwright (never a downloaded
one), 1280x720. The server's CPU seconds for each visit are reported too (psutil): wall time on a
shared host is inflated by the other jobs, CPU time much less.

The floor app (written to artifacts/bench-floors/first_visit_floor.py) imports what the app's first
run imports — streamlit, torch, numpy, plotly, pandas — and draws one 16x40 heatmap: the least an
app built on these libraries pays; the difference is the app's own (its modules, its model, its
page). Target: as close to the floor as the app's own work allows (issue 16).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stclient import server_cpu, start_server, stop_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("RNNVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
FIRST_CHART = ".js-plotly-plot .main-svg"
FLOOR_APP = textwrap.dedent('''
    """Floor for bench/bench_first_visit.py: the app's libraries, one heatmap."""
    import numpy as np
    import pandas  # noqa: F401  (the app's first run imports it through st.dataframe)
    import plotly.graph_objects as go
    import streamlit as st
    import torch

    torch.set_num_threads(1)
    st.set_page_config(page_title="floor", layout="wide")
    st.text_input("Sentence", "What time is it ?", key="sentence")
    z = torch.tanh(torch.randn(16, 40, generator=torch.Generator().manual_seed(0))).numpy()
    st.plotly_chart(go.Figure(go.Heatmap(z=z.astype(np.float32))), width="stretch")
''')


def visit(browser, url: str, pid: int, timeout_s: float) -> tuple[float, float]:
    """(seconds from goto to the first chart drawn, server CPU seconds meanwhile) in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = context.new_page()
    cpu = server_cpu(pid)
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_selector(FIRST_CHART, state="attached", timeout=timeout_s * 1000)
    took = time.perf_counter() - start
    cpu = server_cpu(pid) - cpu
    not_found = page.get_by_text("Page not found").count()
    context.close()
    if not_found:
        raise RuntimeError(f"{url}: the browser showed 'Page not found'")
    return took, cpu


def measure(browser, app: Path, path: str, cold: int, warm: int, timeout_s: float) -> dict:
    boots, colds, cold_cpu, warms, warm_cpu = [], [], [], [], []
    for _ in range(cold):
        start = time.perf_counter()
        server, port = start_server(app, cwd=ROOT)  # the app's .streamlit/config.toml for both
        boots.append(time.perf_counter() - start)
        try:
            url = f"http://127.0.0.1:{port}{path}"
            took, cpu = visit(browser, url, server.pid, timeout_s)
            colds.append(took)
            cold_cpu.append(cpu)
            for _ in range(warm):
                took, cpu = visit(browser, url, server.pid, timeout_s)
                warms.append(took)
                warm_cpu.append(cpu)
        finally:
            stop_server(server)
    med = lambda xs: round(1000 * statistics.median(xs)) if xs else None  # noqa: E731
    return dict(boot_ms=med(boots), cold_visit_ms=med(colds), cold_total_ms=med([b + c for b, c in zip(boots, colds)]),
                cold_visit_server_cpu_ms=med(cold_cpu), warm_visit_ms=med(warms), warm_visit_server_cpu_ms=med(warm_cpu),
                cold_visits=len(colds), warm_visits=len(warms),
                all_ms=dict(boot=[round(1000 * x) for x in boots], cold=[round(1000 * x) for x in colds],
                            warm=[round(1000 * x) for x in warms]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold", type=int, default=3, help="server starts (each followed by one cold visit)")
    ap.add_argument("--warm", type=int, default=3, help="warm visits after each cold one")
    ap.add_argument("--path", default="/", help="the link opened, e.g. /step-through?sentence=hello")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    floor = ROOT / "artifacts" / "bench-floors" / "first_visit_floor.py"
    floor.parent.mkdir(parents=True, exist_ok=True)
    floor.write_text(FLOOR_APP)
    load_before, started, cpu_started = os.getloadavg(), time.perf_counter(), time.process_time()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            results = {"floor": measure(browser, floor, "/", args.cold, args.warm, args.timeout),
                       "app": measure(browser, ROOT / "app.py", args.path, args.cold, args.warm, args.timeout)}
        finally:
            browser.close()
    app, fl = results["app"], results["floor"]
    print(f"{'':6s} {'boot':>7s} {'cold visit':>11s} {'(server CPU)':>13s} {'warm visit':>11s} {'(server CPU)':>13s}")
    for name, r in (("floor", fl), ("app", app)):
        print(f"{name:6s} {r['boot_ms']:5d}ms {r['cold_visit_ms']:9d}ms {r['cold_visit_server_cpu_ms']:11d}ms "
              f"{r['warm_visit_ms']:9d}ms {r['warm_visit_server_cpu_ms']:11d}ms")
    print(f"app / floor: cold visit {app['cold_visit_ms'] / fl['cold_visit_ms']:.2f}x, warm visit "
          f"{app['warm_visit_ms'] / fl['warm_visit_ms']:.2f}x   (link {args.path!r})")
    results.update(path=args.path, loadavg_before=[round(x, 2) for x in load_before],
                   loadavg_after=[round(x, 2) for x in os.getloadavg()], cores=os.cpu_count())
    print(f"host: 1-min load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} "
          f"cores; {time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu_started:.0f} s CPU here")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
