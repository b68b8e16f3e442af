"""AppTest of "Train it yourself": opens on the shipped race, figures carry the runs' numbers,
the lag sweep and Chinese work, Train on a small configuration trains and shows the scrubber."""

from __future__ import annotations

import time

import numpy as np

from rnnviz.lab import runs
from tests.app.spec import charts, decode, open_page

PAGE = "views/lab.py"


def accuracy_traces(fig: dict) -> dict[str, np.ndarray]:
    """cell -> accuracy curve (the top panel's lines, yaxis 'y')."""
    return {tr["name"]: decode(tr["y"]) for tr in fig["data"]
            if tr.get("yaxis", "y") == "y" and tr.get("mode") == "lines"}


def test_opens_on_the_shipped_race_at_lag_100(app_test):
    at = open_page(app_test, PAGE)
    figs = charts(at)
    curves = accuracy_traces(figs[0])
    assert set(curves) == {"RNN", "LSTM", "GRU"}
    assert curves["RNN"][-1] <= 0.6 and curves["RNN"].max() <= 0.6      # stays near chance (0.25)
    assert curves["GRU"][-1] >= 0.9 and curves["LSTM"][-1] >= 0.9
    shipped = {row["cell"]: row for row in runs.shipped_runs()
               if row["task"] == "delayed-recall" and row["options"]["lag"] == 100 and row["seed"] == 0
               and row["options"]["gate_bias"] in ("chrono", "default") and row["name"].endswith("seed0")}
    assert shipped["RNN"]["final_accuracy"] <= 0.6 and shipped["GRU"]["final_accuracy"] >= 0.9
    # the checkpoint scrubber's heatmaps: the probe sequence (102 steps at lag 100), GRU by default
    heatmaps = [f for f in figs[1:] if any(tr["type"] == "heatmap" for tr in f["data"])]
    assert len(heatmaps) == 2
    z = decode(heatmaps[0]["data"][0]["z"])
    assert z.shape[1] == 102
    slider = at.select_slider(key="lab_ckpt")
    assert len(slider.options) >= 10
    table = at.dataframe[0].value
    assert len(table) == 3


def test_scrubbing_to_the_first_checkpoint_changes_the_heatmaps(app_test):
    at = open_page(app_test, PAGE)
    before = decode([f for f in charts(at) if f["data"][0]["type"] == "heatmap"][0]["data"][0]["z"])
    at.select_slider(key="lab_ckpt").set_value(0).run()
    assert not at.exception
    after = decode([f for f in charts(at) if f["data"][0]["type"] == "heatmap"][0]["data"][0]["z"])
    assert before.shape == after.shape and not np.allclose(before, after)
    assert at.query_params["lab_ckpt"] in ("0", ["0"])


def test_lag_sweep_view(app_test):
    at = open_page(app_test, PAGE, lab_mode="sweep")
    fig = charts(at)[0]
    data = runs.sweep()
    assert {tr["name"] for tr in fig["data"]} == set(data["cells"])
    means = {tr["name"]: decode(tr["y"]) for tr in fig["data"] if tr["mode"] == "lines"}
    lags = list(decode(fig["data"][0]["x"]).astype(int))
    assert lags == data["lags"]
    for cell in data["cells"]:
        expected = [np.mean([r["final_accuracy"] for r in data["rows"] if r["cell"] == cell and r["lag"] == lag])
                    for lag in lags]
        assert np.allclose(means[cell], expected, atol=1e-6)
    assert means["RNN"][lags.index(100)] <= 0.6 and means["GRU"][lags.index(100)] >= 0.9


def test_chinese(app_test):
    at = open_page(app_test, PAGE, lang="zh")
    assert any("动手训练" in h.value for h in at.title)  # the page title, in Chinese


def test_train_a_small_configuration(app_test):
    at = open_page(app_test, PAGE, lab_mode="single", lab_task="dyck1", lab_cell="GRU", lab_steps="100",
                   lab_seed="7")
    assert any("Train" in i.value for i in at.info)               # nothing shipped with these settings
    at.button(key="lab_train").click().run()
    deadline = time.monotonic() + 240
    while not any(s.key == "lab_ckpt" for s in at.select_slider):
        assert time.monotonic() < deadline, "training did not finish"
        time.sleep(0.5)
        at.run()
        assert not at.exception
    curves = accuracy_traces(charts(at)[0])
    assert list(curves) == ["GRU"] and len(curves["GRU"]) > 10
    assert at.dataframe[0].value.iloc[0, 2] == 100                 # steps trained


def test_race_trains_its_three_cells_as_separate_jobs(app_test):
    at = open_page(app_test, PAGE, lab_mode="race", lab_task="delayed-recall", lab_lag="5", lab_steps="100",
                   lab_seed="7")
    assert any("Train" in i.value for i in at.info)               # nothing shipped with these settings
    at.button(key="lab_train").click().run()
    assert not at.exception
    def lines():   # one per cell still training: its progress bar, or its place in the queue
        return len(at.get("progress")) + sum("waits for a free trainer" in i.value for i in at.info)

    assert lines() in (1, 2, 3)
    deadline = time.monotonic() + 240
    while lines():
        assert time.monotonic() < deadline, "race did not finish"
        time.sleep(0.5)
        at.run()
        assert not at.exception
    curves = accuracy_traces(charts(at)[0])
    assert list(curves) == ["RNN", "LSTM", "GRU"], curves
    assert all(len(c) == 11 for c in curves.values()), {k: len(c) for k, c in curves.items()}
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["RNN", "LSTM", "GRU"] and set(table.iloc[:, 2]) == {100}
