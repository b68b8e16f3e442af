"""The lab's live curves as a finished figure dict: valid Plotly, the histories' numbers exactly
(float32), the frame (two panels, chance line, fixed x range) in the asked language."""

import numpy as np
import plotly.graph_objects as go

from rnnviz.plots.axis_titles import room_px
from rnnviz.plots.lab import curves_figure
from tests.app.spec import decode

HISTORY = [{"step": 0, "loss": None, "accuracy": 0.25}, {"step": 10, "loss": 1.4, "accuracy": 0.5},
           {"step": 20, "loss": 0.3, "accuracy": 0.875}]


def test_curves_dict_is_valid_plotly_with_the_histories_numbers():
    spec = curves_figure([("RNN", HISTORY[:2]), ("GRU", HISTORY)], chance=0.25, total_steps=400, lang="en")
    fig = go.Figure(spec)                                   # Plotly validates every key
    assert [(tr.name, tr.yaxis) for tr in fig.data] == [("RNN", "y"), ("RNN", "y2"), ("GRU", "y"), ("GRU", "y2")]
    gru_accuracy, gru_loss = spec["data"][2], spec["data"][3]
    assert np.array_equal(decode(gru_accuracy["x"]), [0, 10, 20])
    assert np.array_equal(decode(gru_accuracy["y"]), np.float32([0.25, 0.5, 0.875]))
    assert np.array_equal(decode(gru_loss["x"]), [10, 20])   # no loss at step 0
    assert np.array_equal(decode(gru_loss["y"]), np.float32([1.4, 0.3]))
    assert [tr["showlegend"] for tr in spec["data"]] == [True, False, True, False]
    layout = fig.layout
    assert list(layout.xaxis.range) == [0, 400] and layout.yaxis2.type == "log"
    assert len(layout.shapes) == 1 and layout.shapes[0].y0 == 0.25 and layout.annotations[0].text == "chance"


def test_curves_frame_in_chinese_and_not_shared_between_calls():
    one = curves_figure([("LSTM", HISTORY)], chance=0.25, total_steps=100, lang="zh")
    assert one["layout"]["xaxis2"]["title"]["text"] == "训练步数"
    height = one["layout"]["height"]  # 360 and a strip above each panel for its horizontal Chinese title
    assert height >= 360 + 2 * room_px(13)
    one["layout"]["height"] = 1                             # a caller's change stays in its own copy
    assert curves_figure([], chance=0.25, total_steps=100, lang="zh")["layout"]["height"] == height
    assert curves_figure([], chance=0.25, total_steps=100, lang="en")["layout"]["height"] == 360
