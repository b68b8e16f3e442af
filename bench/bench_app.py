"""Gate Explorer benchmark: payload bytes per plotted value, and rerun time for a 40-token sentence
as a ratio to a *floor* app that draws the same figures from precomputed arrays.

    python bench/bench_app.py                 # default model + two untrained configurations, then every page
    python bench/bench_app.py --repeats 9
    python bench/bench_app.py --pages gates,step-through --no-apptest

Both apps run in Streamlit's AppTest (same process, same script-runner overhead for both):
- the app: app.py on the Gate Explorer, URL state for the configuration; one interaction = type a
  new 40-token sentence and press Enter (so the trace is *not* cached), and separately, move the
  time-step slider (trace cached: only the figures are redrawn);
- the floor: a 15-line script that reads the same arrays from an .npz and calls the same
  rnnviz.plots.heatmaps builders (``layer_specs``) and ``ui.charts.show`` (st.plotly_chart) — the least any
  app drawing these figures must do.

Times are medians; the ratio uses process CPU time (robust on a shared machine), wall time is
printed too. Payload: the bytes of every plotly_chart element the page sends (protobuf, the spec JSON inside it)
divided by the number of heatmap values. Reported raw, and deflate-compressed per chart as the
websocket carries it with server.enableWebsocketCompression (see .streamlit/config.toml).

**Every page, on a real server** (``--pages``; bench/stclient.py speaks the browser's websocket
protocol): the server process's CPU time per rerun (psutil, user + system: the script thread, the
protobuf and JSON work, the websocket's compression — everything a class shares), for one tab that
types a new 40-token sentence per rerun (and for the Gate Explorer also moves the step slider: only
its fragment reruns; for the step-through also the Play timer's tick). Floors on a second server in
the same run: for the Gate Explorer the same floor script as above; for every page a *chart floor*
that sends exactly the charts the page sent (their finished JSON, loaded once) beside one text box —
the least any app showing those charts must do per rerun.

Target (DESIGN.md §8, issue 16): Gate Explorer rerun ≤ 2× the floor (then 1.5×); payload ≤ 6 bytes
per plotted value.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import textwrap
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from streamlit.testing.v1 import AppTest  # noqa: E402

from rnnviz import models  # noqa: E402

WORDS = ("the film was slow but the ending made me smile again and again , a quiet warm story about two "
         "brothers who never stop arguing over nothing at all ; bold acting weak plot great music").split()
TOKENS = 40

FLOOR_APP = textwrap.dedent('''
    import numpy as np, streamlit as st
    from rnnviz.plots import heatmaps
    from ui import charts
    data = np.load(DATA, allow_pickle=False)
    st.text_input("Sentence", key="sentence")
    tokens = [str(t) for t in data["tokens"]]
    meta = data["meta"]; quantities = [str(q) for q in data["quantities"]]
    get = lambda name, layer, d: data[f"{name}|{layer}|{d}"]
    grid = heatmaps.layer_specs(get, quantities, tokens, num_layers=int(meta[0]),
                               num_directions=int(meta[1]), step=int(meta[2]), unit=0)
    for layer, row in enumerate(grid):
        for name, fig in row:
            charts.show(fig, key=f"{layer}-{name}")
''')


def write_floor_arrays(path: Path, params: dict, text: str, step: int) -> list[str]:
    """The arrays the Gate Explorer draws for ``text`` under the URL configuration ``params``, from
    the backend's public API (rnnviz.models), into an .npz the floor app reads; returns the tokens."""
    if params["model"] != "untrained":
        model = models.load(params["model"])
    else:
        torch_cell, bidirectional = models.CELL_CHOICES[params["cell"]]
        model = models.random_model(torch_cell, bidirectional=bidirectional, num_layers=int(params["layers"]),
                                    hidden_size=int(params["hidden"]), seed=0, level="word")
    tokens = model.tokens(text)
    tr = model.trace(tokens)
    np.savez(path, tokens=np.array(tokens), quantities=np.array(tr.quantities),
             meta=np.array([tr.num_layers, tr.num_directions, step]),
             **{f"{n}|{l}|{d}": np.ascontiguousarray(tr.get(n, l, d), dtype=np.float32)
                for n in tr.quantities for l in range(tr.num_layers) for d in range(tr.num_directions)})
    return tokens


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(TOKENS))


def payload(at) -> tuple[int, int, int]:
    """(raw bytes, deflated bytes, plotted values) of every chart on the page."""
    raw = deflated = values = 0
    for chart in at.get("plotly_chart"):
        blob = chart.proto.SerializeToString()
        raw += len(blob)
        deflated += len(zlib.compress(blob, 6))
        for trace in json.loads(chart.proto.spec)["data"]:
            if trace.get("type") == "heatmap":
                shape = [int(d) for d in str(trace["z"]["shape"]).split(",")]
                values += int(np.prod(shape))
    return raw, deflated, values


def timed_run(at, action) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one rerun. The script runs in AppTest's
    script thread; process CPU time counts it and is far less disturbed than wall time when other
    jobs share the two cores."""
    action(at)
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert not at.exception, [e.value for e in at.exception]
    return wall, cpu


def bench_config(label: str, params: dict, repeats: int, rng: random.Random) -> dict:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({**params, "sentence": sentence(rng)})
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    # --- the app: new sentence (trace computed) and step change (trace cached)
    new_sentence = [timed_run(at, lambda a: a.text_input(key="sentence").input(sentence(rng)))
                    for _ in range(repeats)]
    step_change = [timed_run(at, lambda a, i=i: a.select_slider(key="step").set_value((i * 7 + 3) % TOKENS))
                   for i in range(repeats)]
    raw, deflated, values = payload(at)

    # --- the floor: same figures from precomputed arrays (the same model on the page's sentence)
    text = at.text_input(key="sentence").value
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "arrays.npz"
        tokens = write_floor_arrays(data, params, text, at.select_slider(key="step").value)
        floor = AppTest.from_string(f"DATA = {str(data)!r}\n" + FLOOR_APP, default_timeout=120)
        floor.run()
        floor_times = [timed_run(floor, lambda a: a.text_input(key="sentence").input(sentence(rng)))
                       for _ in range(repeats)]
        floor_raw, _, floor_values = payload(floor)

    def med(samples, which):  # which: 0 = wall, 1 = CPU
        return statistics.median(sample[which] for sample in samples)

    return dict(config=label, tokens=len(tokens), heatmap_values=values, charts=len(at.get("plotly_chart")),
                bytes_per_value_raw=round(raw / values, 2), bytes_per_value_deflated=round(deflated / values, 2),
                floor_bytes_per_value_raw=round(floor_raw / floor_values, 2),
                wall_new_sentence_ms=round(1000 * med(new_sentence, 0), 1),
                wall_step_change_ms=round(1000 * med(step_change, 0), 1),
                wall_floor_ms=round(1000 * med(floor_times, 0), 1),
                cpu_new_sentence_ms=round(1000 * med(new_sentence, 1), 1),
                cpu_step_change_ms=round(1000 * med(step_change, 1), 1),
                cpu_floor_ms=round(1000 * med(floor_times, 1), 1),
                ratio_new_sentence=round(med(new_sentence, 1) / med(floor_times, 1), 2),
                ratio_step_change=round(med(step_change, 1) / med(floor_times, 1), 2),
                wall_ratio_new_sentence=round(med(new_sentence, 0) / med(floor_times, 0), 2))


# --------------------------------------------------------------------------- every page, real server

SERVER_PAGES = ("gates:step,your-model,step-through:play,pytorch-shapes,compare-cells,gradients,io-shapes,"
                "neuron-view,ablation,learn,state-space")
DEFAULT_PAGE = "gates"  # app.py's default page: the browser reaches it at the root ("")
DEFAULT_MODEL = "sentiment-lstm"  # the picker's default when shipped (ui.models)
FLOOR_SERVER_APP = textwrap.dedent('''
    """Floors for bench/bench_app.py: ?floor=<page> sends that page's charts (finished JSON, read once);
    ?floor=gates-arrays draws the Gate Explorer's figures from precomputed arrays."""
    import json, sys
    import numpy as np, streamlit as st
    sys.path.insert(0, ROOT)
    from ui import charts

    @st.cache_resource
    def specs(name):
        return json.loads((FLOORS / f"{name}.json").read_text())

    floor = st.query_params.get("floor", "")
    st.text_input("Sentence", key="sentence")
    if floor == "gates-arrays":
        from rnnviz.plots import heatmaps as figures
        data = np.load(FLOORS / "gates-arrays.npz", allow_pickle=False)
        tokens = [str(t) for t in data["tokens"]]
        meta = data["meta"]; quantities = [str(q) for q in data["quantities"]]
        get = lambda name, layer, d: data[f"{name}|{layer}|{d}"]
        grid = figures.layer_specs(get, quantities, tokens, num_layers=int(meta[0]),
                                   num_directions=int(meta[1]), step=int(meta[2]), unit=0)
        for layer, row in enumerate(grid):
            for name, fig in row:
                charts.show(fig, key=f"{layer}-{name}")
    else:
        for i, spec in enumerate(specs(floor)):
            charts.show(spec, key=f"chart-{i}")
''')


class Tab:
    """One tab on a page, doing one kind of rerun: type (a new 40-token sentence), step (the step
    slider: its fragment), play (the Play timer's tick) or rerun (a page without a sentence box)."""

    def __init__(self, url: str, pid: int, page: str, action: str, rng: random.Random, query: str = ""):
        from stclient import Session

        self.session, self.pid, self.action, self.rng = Session(url, page=page, query=query), pid, action, rng
        self.cpu, self.runs, self.count = 0.0, 0, 0

    async def open(self) -> bool:
        """Open the page and warm it up; False if the app has no such page."""
        s = self.session
        await s.open()
        if s.not_found:
            return False
        if self.action != "rerun" and not s.has("sentence"):
            self.action = "rerun"
        if self.action != "rerun":
            await s.set("sentence", sentence(self.rng))
        for _ in range(2):  # warm-up: first trace of this shape, first figure of this kind
            await self.once()
        return True

    async def once(self) -> None:
        s, self.count = self.session, self.count + 1
        if self.action == "type":
            await s.set("sentence", sentence(self.rng))
        elif self.action == "step":
            await s.set("step", (self.count * 7 + 3) % TOKENS)
        elif self.action == "play":
            if s.timer is None:  # not playing, or the end of the sentence: (re)start
                await s.set("st_play", True)
            await s.tick()
        else:
            await s.rerun()

    async def measure(self, n: int) -> None:
        """n reruns in a row; their server CPU is added up (the kernel counts process CPU in 10 ms
        ticks: one rerun alone cannot be timed by it, n in a row can)."""
        from stclient import server_cpu

        await asyncio.sleep(0.1)  # the previous run's last messages have left the server
        cpu = server_cpu(self.pid)
        for _ in range(n):
            await self.once()
        self.cpu += server_cpu(self.pid) - cpu
        self.runs += n
        if self.session.errors:
            raise RuntimeError(self.session.errors[0])

    @property
    def per_run_ms(self) -> float:
        return round(1000 * self.cpu / max(self.runs, 1), 1)


async def compare(app: Tab, floors: list[Tab], repeats: int, block: int = 1) -> None:
    """App and floors measured in alternation (block reruns each in turn), so a busy moment of the
    shared host lands on all of them rather than on one."""
    done = 0
    while done < repeats:
        n = min(block, repeats - done)
        for tab in [app, *floors]:
            await tab.measure(n)
        done += n


def bench_pages(pages: list[tuple[str, str]], repeats: int, rng: random.Random,
                baseline: Path | None = None) -> list[dict]:
    """Server CPU per rerun of every page (app server) against its floors (floor server, running
    at the same time), one tab at a time. ``baseline``: another checkout of the app (e.g.
    ``git archive main | tar -x -C /tmp/rnnviz-main``), measured in the same alternation: the
    before / after of a change on the same busy host."""
    from stclient import start_server, stop_server

    floors = ROOT / "artifacts" / "bench-floors"
    floors.mkdir(parents=True, exist_ok=True)
    (floors / "floor_app.py").write_text(f"ROOT = {str(ROOT)!r}\nfrom pathlib import Path\n"
                                          f"FLOORS = Path({str(floors)!r})\n" + FLOOR_SERVER_APP)
    rows = []
    app_server, app_port = start_server(ROOT / "app.py")
    floor_server, floor_port = start_server(floors / "floor_app.py", cwd=ROOT)  # the app's .streamlit/config.toml
    app_url, floor_url = (f"ws://127.0.0.1:{p}/_stcore/stream" for p in (app_port, floor_port))
    base_server = base_url = None
    if baseline is not None:
        base_server, base_port = start_server(baseline / "app.py")
        base_url = f"ws://127.0.0.1:{base_port}/_stcore/stream"

    async def one_page(page: str, extra: str) -> None:
        name = "" if page == DEFAULT_PAGE else page
        typing = Tab(app_url, app_server.pid, name, "type", rng)
        if not await typing.open():
            print(f"page {page!r} is not in this app's navigation: skipped")
            return
        charts = typing.session.charts  # of its last (warm-up) rerun: a new 40-token sentence
        (floors / f"{page}.json").write_text("[" + ",".join(charts) + "]")
        floor_tabs = {page: Tab(floor_url, floor_server.pid, "", "type", rng, query=f"floor={page}")}
        if page == DEFAULT_PAGE:  # the floor: the same model's arrays on a 40-token sentence
            params = ({"model": DEFAULT_MODEL} if DEFAULT_MODEL in models.available()
                      else {"model": "untrained", "cell": "LSTM", "layers": "1", "hidden": "16"})
            write_floor_arrays(floors / "gates-arrays.npz", params, sentence(rng), 0)
            floor_tabs["gates-arrays"] = Tab(floor_url, floor_server.pid, "", "type", rng, query="floor=gates-arrays")
        for tab in floor_tabs.values():
            await tab.open()
        tabs = [typing]
        if extra:
            tabs.append(Tab(app_url, app_server.pid, name, extra, rng))
            await tabs[-1].open()
        for tab in tabs:
            others = list(floor_tabs.values())
            if base_url is not None:
                base = Tab(base_url, base_server.pid, name, tab.action, rng)
                await base.open()
                others.append(base)
            await compare(tab, others, repeats)
            floor = floor_tabs[page]
            row = dict(page=page, action=tab.action, charts=len(charts), cpu_ms=tab.per_run_ms,
                       chart_floor_ms=floor.per_run_ms, ratio_chart_floor=round(tab.per_run_ms / floor.per_run_ms, 2))
            if "gates-arrays" in floor_tabs:
                arrays = floor_tabs["gates-arrays"]
                row.update(arrays_floor_ms=arrays.per_run_ms,
                           ratio_arrays_floor=round(tab.per_run_ms / arrays.per_run_ms, 2))
            if base_url is not None:
                row.update(baseline_ms=base.per_run_ms, vs_baseline=round(tab.per_run_ms / base.per_run_ms, 2))
                await base.session.close()
            rows.append(row)
            for t in floor_tabs.values():  # each comparison against its own floor samples
                t.cpu, t.runs = 0.0, 0
        for tab in [*tabs, *floor_tabs.values()]:
            await tab.session.close()

    try:
        for page, extra in pages:
            asyncio.run(one_page(page, extra))
    finally:
        stop_server(app_server)
        stop_server(floor_server)
        if base_server is not None:
            stop_server(base_server)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="reruns per AppTest configuration")
    parser.add_argument("--server-repeats", type=int, default=30, help="reruns per page on the server")
    parser.add_argument("--pages", default=SERVER_PAGES, help="page[:step|play], comma-separated ('' = none)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a checkout of the app to compare with in the same run (git archive main | tar -x -C DIR)")
    parser.add_argument("--no-apptest", action="store_true", help="only the server measurement of every page")
    args = parser.parse_args()
    rng = random.Random(0)
    started, cpu_started, load_before = time.perf_counter(), time.process_time(), os.getloadavg()
    if not args.no_apptest:
        apptest_configs(args, rng)
    pages = [tuple((spec.split(":") + [""])[:2]) for spec in args.pages.split(",") if spec]
    if pages:
        rows = bench_pages(pages, args.server_repeats, rng, args.baseline)
        print(f"{'page':15s} {'rerun':6s} {'charts':>6s} {'server CPU':>10s} {'chart floor':>11s} {'ratio':>6s}"
              f" {'arrays floor':>12s} {'ratio':>6s}")
        for r in rows:
            extra = (f" {r['arrays_floor_ms']:10.1f}ms {r['ratio_arrays_floor']:6.2f}"
                     if "arrays_floor_ms" in r else " " * 19)
            if "baseline_ms" in r:
                extra += f"   baseline {r['baseline_ms']:.1f}ms (now {r['vs_baseline']:.2f}x of it)"
            print(f"{r['page']:15s} {r['action']:6s} {r['charts']:6d} {r['cpu_ms']:8.1f}ms "
                  f"{r['chart_floor_ms']:9.1f}ms {r['ratio_chart_floor']:6.2f}{extra}")
        print(json.dumps(rows))
    print(f"host: 1-min load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"{os.cpu_count()} cores; {time.perf_counter() - started:.0f} s wall, "
          f"{time.process_time() - cpu_started:.0f} s CPU of this process")


def apptest_configs(args, rng: random.Random) -> None:
    configs = []
    if "sentiment-lstm" in models.available():
        configs.append(("sentiment-lstm (default)", {"model": "sentiment-lstm"}))
    configs += [
        ("untrained LSTM, 1 layer, 16 units", {"model": "untrained", "cell": "LSTM", "layers": "1", "hidden": "16"}),
        ("untrained Bi-LSTM, 2 layers, 64 units", {"model": "untrained", "cell": "Bi-LSTM", "layers": "2", "hidden": "64"}),
    ]
    results = [bench_config(label, params, args.repeats, rng) for label, params in configs]
    print(f"{'configuration':40s} {'values':>7s} {'B/val raw':>9s} {'B/val wire':>10s} {'CPU new':>8s} "
          f"{'CPU step':>8s} {'CPU floor':>9s} {'ratio':>6s} {'ratio step':>10s} {'wall ratio':>10s}")
    for r in results:
        print(f"{r['config']:40s} {r['heatmap_values']:7d} {r['bytes_per_value_raw']:9.2f} "
              f"{r['bytes_per_value_deflated']:10.2f} {r['cpu_new_sentence_ms']:6.1f}ms "
              f"{r['cpu_step_change_ms']:6.1f}ms {r['cpu_floor_ms']:7.1f}ms {r['ratio_new_sentence']:6.2f} "
              f"{r['ratio_step_change']:10.2f} {r['wall_ratio_new_sentence']:10.2f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
