"""rnnviz/quantities.py: the one table agrees with PyTorch's layout, with the cells' code and with
the catalogues, and every other table in the house is derived from it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import quantities as Q
from rnnviz.core import cells

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("cell", Q.CELLS)
def test_names_are_what_the_cell_step_returns_in_order(cell):
    H = 3
    G = {"RNN": 1, "LSTM": 4, "GRU": 3}[cell]
    xw, h, w_hh = torch.randn(2, G * H), torch.zeros(2, H), torch.randn(G * H, H)
    if cell == "LSTM":
        q, _, _ = cells.lstm_step(xw, h, torch.zeros(2, H), w_hh, None)
    elif cell == "GRU":
        q, _ = cells.gru_step(xw, h, w_hh, None)
    else:
        q, _ = cells.rnn_step(xw, h, w_hh, None)
    assert tuple(q) == Q.QUANTITIES[cell]


@pytest.mark.parametrize("cell", Q.CELLS)
def test_weight_blocks_follow_pytorch_order_and_kinds_bound_the_values(cell):
    module = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[cell](4, 5)
    blocks = [name for name, _, _ in Q.BLOCKS[cell]]
    assert len(blocks) * 5 == module.weight_ih_l0.shape[0]  # one block of H rows per gate
    assert blocks == {"RNN": ["pre_activation"], "LSTM": ["input_gate", "forget_gate", "cell_candidate", "output_gate"],
                      "GRU": ["reset_gate", "update_gate", "candidate"]}[cell]
    tr = rnnviz.trace(module, 3 * torch.randn(30, 4))
    for q in Q.rows(cell):
        v = tr.get(q.name)
        if q.kind == Q.SIGMOID:
            assert v.min() >= 0 and v.max() <= 1
        elif q.kind == Q.TANH:
            assert float(np.abs(v).max()) <= 1 + 1e-6


def test_per_name_columns_agree_across_cells():
    for name in Q.NAMES:
        rows = [q for q in Q.TABLE if q.name == name]
        assert len({(q.symbol, q.kind, q.label_key) for q in rows}) == 1, name


def test_catalogue_has_every_label_and_meaning():
    for lang in ("en", "zh"):
        catalogue = json.loads((ROOT / "locales" / lang / "quantities.json").read_text(encoding="utf-8"))
        for q in Q.TABLE:
            assert q.label_key.split(".", 1)[1] in catalogue and q.meaning_key.split(".", 1)[1] in catalogue


def test_every_other_table_is_derived_from_it():
    from rnnviz.analysis import ablation, saturation
    from rnnviz.core import stepping
    from rnnviz.plots import view_figures

    assert rnnviz.GATES is Q.GATES and rnnviz.QUANTITIES is Q.QUANTITIES and rnnviz.FORCEABLE is Q.FORCEABLE
    assert saturation.SIGMOID_GATES is Q.SIGMOID_GATES and stepping.BLOCKS is Q.BLOCKS
    assert ablation.PRESET is Q.PRESET and ablation.PRESET["forget_gate"] == 1.0
    assert view_figures.GATE_SYMBOL == {"input_gate": "i", "forget_gate": "f", "output_gate": "o",
                                        "reset_gate": "r", "update_gate": "z"}
    assert Q.FORCEABLE["RNN"] == ("hidden_state",) and Q.SIGMOID_GATES["GRU"] == ("reset_gate", "update_gate")
    assert Q.EQUATIONS["LSTM"][1].startswith("f_t = \\sigma(W_{if}")
    assert [k for _, k in Q.MEANING_KEYS["GRU"]][-1] == "quantities.gru_hidden_state_meaning"
