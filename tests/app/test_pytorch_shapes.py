"""AppTest of the PyTorch shapes page: the lecture notes' call by default, the URL carries the whole
configuration, the picture's numbers are torch's and the outlined slices really are equal."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rnnviz.analysis.shapes import ShapeConfig, run
from tests.app.spec import decode

PAGE = "views/pytorch_shapes.py"


def open_page(app_test, **params):
    at = app_test(params or None)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    return at


def code_of(at) -> str:
    return at.code[0].value


def table_of(at) -> dict[str, str]:
    df = at.table[0].value
    return dict(zip(df.iloc[:, 0], df.iloc[:, 1]))


def test_default_is_the_lecture_notes_example(app_test):
    at = open_page(app_test)
    code = code_of(at)
    assert "rnn = nn.RNN(5, 6, 1)" in code and "torch.randn(1, 3, 5)" in code and "torch.randn(1, 3, 6)" in code
    assert table_of(at) == {"input": "(L=1, N=3, H_in=5)", "h0": "(D·num_layers=1, N=3, H_out=6)",
                            "output": "(L=1, N=3, D·H_out=6)", "h_n": "(D·num_layers=1, N=3, H_out=6)"}
    assert at.success and "5 shapes" in at.success[0].value
    assert any("single" in i.value or "L = 1" in i.value for i in at.info)  # why output == hn in the notes


def test_url_round_trip_and_backward_slice(app_test):
    at = open_page(app_test, ps_cell="GRU", ps_bi="True", ps_seq="4", ps_hidden="3", ps_in="2", ps_batch="2",
                   ps_n="1")
    assert "nn.GRU(2, 3, 1, bidirectional=True)" in code_of(at)
    assert table_of(at)["output"] == "(L=4, N=2, D·H_out=6)"
    lines = " ".join(m.value for m in at.markdown)
    assert "`output[0, :, 3:6]` == `h_n[1]`" in lines and "`output[-1, :, :3]` == `h_n[0]`" in lines
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    out_z, hn_z = decode(spec["data"][0]["z"]), decode(spec["data"][1]["z"])
    assert out_z.shape == (4, 6) and hn_z.shape == (2, 3)
    np.testing.assert_array_equal(out_z[0, 3:], hn_z[1])     # backward final = output[0], second half
    np.testing.assert_array_equal(out_z[-1, :3], hn_z[0])    # forward final = output[-1], first half
    assert not np.allclose(out_z[-1, 3:], hn_z[1])
    # The figure shows batch element 1 of a real torch run of this configuration with these weights.
    torch_out = run(ShapeConfig("GRU", 2, 3, 1, True, False, 2, 4)).tensors
    np.testing.assert_array_equal(out_z, torch_out["output"][:, 1].numpy())
    np.testing.assert_array_equal(hn_z, torch_out["h_n"][:, 1].numpy())
    rects = [s for s in spec["layout"]["shapes"] if s["type"] == "rect"]
    assert len(rects) == 4  # each equality outlined twice: in output and in h_n
    # Changing a control updates the URL.
    at.toggle(key="ps_bf").set_value(True).run()
    assert not at.exception and at.query_params["ps_bf"] == "True"
    assert "batch_first=True" in code_of(at) and table_of(at)["input"] == "(N=2, L=4, H_in=2)"


def test_projection_and_layers(app_test):
    at = open_page(app_test, ps_cell="LSTM", ps_layers="2", ps_hidden="5", ps_proj="2", ps_seq="3")
    assert "nn.LSTM(5, 5, 2, proj_size=2)" in code_of(at)
    table = table_of(at)
    assert table["h_n"] == "(D·num_layers=2, N=3, H_out=2)" and table["c_n"] == "(D·num_layers=2, N=3, H_cell=5)"
    scope: dict = {}
    exec(code_of(at), scope)  # the page's code runs and gives the shapes the page states
    assert tuple(scope["hn"].shape) == (2, 3, 2) and tuple(scope["cn"].shape) == (2, 3, 5)


@pytest.mark.parametrize("params", [{"ps_hidden": "lots"}, {"ps_proj": "99", "ps_cell": "LSTM"},
                                    {"ps_cell": "<script>"}, {"ps_n": "7"}, {"ps_seq": "-3"}])
def test_bad_url_values_fall_back_quietly(app_test, params):
    at = open_page(app_test, **params)
    assert not at.error and "nn." in code_of(at)
