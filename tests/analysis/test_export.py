"""Exports: every value of a trace survives the round trip; token text stays data."""

import csv
import io

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.analysis.export import trace_to_csv, trace_to_npz


@pytest.fixture
def traced():
    torch.manual_seed(0)
    m = torch.nn.LSTM(3, 4, 2, bidirectional=True).eval()
    tokens = ["=SUM(A1)", "你好", '"q",x', "<b>"]
    return rnnviz.trace(m, torch.randn(4, 3)), tokens


def test_npz_round_trip(traced):
    tr, tokens = traced
    z = np.load(io.BytesIO(trace_to_npz(tr, tokens)))
    assert list(z["tokens"]) == tokens
    for name in tr.quantities:
        assert np.array_equal(z[f"{name}/l1/d1"], tr.get(name, 1, 1))
    assert len(z.files) == 6 * 2 * 2 + 1


def test_csv_has_every_value_and_neutralises_formulas(traced):
    tr, tokens = traced
    raw = trace_to_csv(tr, tokens).decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert len(rows) == 6 * 2 * 2 * 4 * 4
    fg = [r for r in rows if r["quantity"] == "forget_gate" and r["layer"] == "1" and r["direction"] == "backward"]
    got = np.array([float(r["value"]) for r in fg]).reshape(4, 4)
    assert np.allclose(got, tr.get("forget_gate", 1, 1), atol=1e-7)
    assert {r["token"] for r in rows} == {"'=SUM(A1)", "你好", '"q",x', "<b>"}
