"""Gate Explorer benchmark: payload bytes per plotted value, and rerun time for a 40-token sentence
as a ratio to a *floor* app that draws the same figures from precomputed arrays.

    python bench/bench_app.py                 # default model + two untrained configurations
    python bench/bench_app.py --repeats 9

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
Target (DESIGN.md §8): rerun ≤ 1.5× the floor; payload ≤ 6 bytes per plotted value.
"""

from __future__ import annotations

import argparse
import json
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

    # --- the floor: same figures from precomputed arrays (taken from the page's own cached run)
    from ui.models import Choice, run_model, tokens_for  # noqa: E402

    choice = Choice(name=params["model"]) if params["model"] != "untrained" else Choice(
        cell=params["cell"], layers=int(params["layers"]), hidden=int(params["hidden"]))
    text = at.text_input(key="sentence").value
    tokens, _ = tokens_for(choice, text)
    run = run_model(choice, tuple(tokens))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "arrays.npz"
        np.savez(data, tokens=np.array(tokens), quantities=np.array(run.quantities),
                 meta=np.array([run.num_layers, run.num_directions, at.select_slider(key="step").value]),
                 **{f"{n}|{l}|{d}": a for (n, l, d), a in run.arrays().items()})
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(0)
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
