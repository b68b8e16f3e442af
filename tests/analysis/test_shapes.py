"""rnnviz.analysis.shapes against torch itself: every documented shape, and which slice of output is h_n."""

from __future__ import annotations

import itertools

import pytest
import torch

from rnnviz.analysis.shapes import ShapeConfig, check, describe, run, torch_code

CONFIGS = [ShapeConfig()] + [
    ShapeConfig(cell, input_size=4, hidden_size=5, num_layers=layers, bidirectional=bi,
                batch_first=bf, batch_size=2, seq_len=3, proj_size=proj)
    for cell, layers, bi, bf, proj in itertools.product(("RNN", "LSTM", "GRU"), (1, 2), (False, True),
                                                         (False, True), (0, 2))
    if proj == 0 or cell == "LSTM"
]


def torch_outputs(cfg: ShapeConfig):
    """Independent of rnnviz.analysis.shapes: build the module the way a student would and call it."""
    cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[cfg.cell]
    kw = {"proj_size": cfg.proj_size} if cfg.proj_size else {}
    m = cls(cfg.input_size, cfg.hidden_size, cfg.num_layers, bidirectional=cfg.bidirectional,
            batch_first=cfg.batch_first, **kw)
    x = torch.randn(*((cfg.batch_size, cfg.seq_len) if cfg.batch_first else (cfg.seq_len, cfg.batch_size)),
                    cfg.input_size)
    with torch.no_grad():
        out, state = m(x)  # h0 (and c0) default to zeros
    h_n, c_n = state if cfg.cell == "LSTM" else (state, None)
    return x, out, h_n, c_n


@pytest.mark.filterwarnings("ignore:LSTM with projections")
@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: f"{c.cell}-L{c.num_layers}-bi{int(c.bidirectional)}"
                         f"-bf{int(c.batch_first)}-p{c.proj_size}")
def test_shapes_and_slices_match_torch(cfg):
    rep = describe(cfg)
    x, out, h_n, c_n = torch_outputs(cfg)
    assert rep.tensor("input").shape == tuple(x.shape)
    assert rep.tensor("output").shape == tuple(out.shape)
    assert rep.tensor("h_n").shape == tuple(h_n.shape)
    assert rep.tensor("h0").shape == tuple(h_n.shape)  # h0 and h_n always agree, batch_first or not
    if cfg.cell == "LSTM":
        assert rep.tensor("c_n").shape == rep.tensor("c0").shape == tuple(c_n.shape)
    else:
        assert "c0" not in [t.name for t in rep.tensors]
    # Named dimensions multiply out to the shape and name what each size is.
    assert [name for name, _ in rep.tensor("output").dims][-1] == "D·H_out"
    assert rep.tensor("h_n").dims[0] == ("D·num_layers", (2 if cfg.bidirectional else 1) * cfg.num_layers)
    # The claimed equalities hold in torch, exactly.
    assert len(rep.equalities) == (2 if cfg.bidirectional else 1)
    for e in rep.equalities:
        assert torch.equal(out[e.output_index], h_n[e.h_n_index]), e.output_text
    assert all(check(cfg).values())


@pytest.mark.parametrize("batch_first", [False, True])
def test_backward_final_state_is_at_position_0_not_at_the_end(batch_first):
    cfg = ShapeConfig("GRU", 3, 4, 1, bidirectional=True, batch_first=batch_first, batch_size=2, seq_len=5)
    rep = describe(cfg)
    backward = rep.equalities[1]
    assert backward.direction == 1 and backward.h_n_index == 1
    assert backward.output_text == ("output[:, 0, 4:8]" if batch_first else "output[0, :, 4:8]")
    r = run(cfg)
    out, h_n = r.tensors["output"], r.tensors["h_n"]
    last = out[:, -1, 4:] if batch_first else out[-1, :, 4:]
    assert not torch.allclose(last, h_n[1])  # the tempting wrong answer really is wrong
    assert torch.equal(out[backward.output_index], h_n[1])


def test_lower_layers_are_only_in_h_n():
    cfg = ShapeConfig("LSTM", 3, 4, num_layers=3, bidirectional=True, batch_size=2, seq_len=4)
    rep = describe(cfg)
    assert [e.h_n_index for e in rep.equalities] == [4, 5]  # layer 2 (top): rows D*2 + d
    assert {e.layer for e in rep.equalities} == {2}


def test_lecture_notes_example():
    """nn.RNN(5, 6, 1), input (1, 3, 5), h0 (1, 3, 6) — as the notes write it; with L = 1 output == hn."""
    code = torch_code(ShapeConfig())
    assert "rnn = nn.RNN(5, 6, 1)" in code and "input = torch.randn(1, 3, 5)" in code
    assert "h0 = torch.randn(1, 3, 6)" in code and "output, hn = rnn(input, h0)" in code
    scope: dict = {}
    exec(code, scope)  # the shown code runs as is
    assert tuple(scope["output"].shape) == (1, 3, 6) and tuple(scope["hn"].shape) == (1, 3, 6)
    assert torch.equal(scope["output"], scope["hn"])
    lstm = torch_code(ShapeConfig("LSTM", num_layers=2))
    assert "nn.LSTM(5, 6, 2)" in lstm and "c0 = torch.randn(2, 3, 6)" in lstm
    assert "output, (hn, cn) = rnn(input, (h0, c0))" in lstm


@pytest.mark.filterwarnings("ignore:LSTM with projections")
def test_projection_changes_h_but_not_c():
    cfg = ShapeConfig("LSTM", 5, 6, 2, bidirectional=True, batch_first=True, batch_size=3, seq_len=4, proj_size=3)
    rep = describe(cfg)
    assert rep.tensor("h_n").shape == (4, 3, 3) and rep.tensor("c_n").shape == (4, 3, 6)
    assert rep.tensor("output").shape == (3, 4, 6)  # D * proj_size
    scope: dict = {}
    exec(rep.code, scope)
    assert tuple(scope["output"].shape) == (3, 4, 6) and tuple(scope["cn"].shape) == (4, 3, 6)


@pytest.mark.parametrize("bad, message", [
    (ShapeConfig("GRU", proj_size=2), "only for nn.LSTM"),
    (ShapeConfig("LSTM", hidden_size=4, proj_size=4), "smaller than hidden_size"),
    (ShapeConfig(seq_len=0), "seq_len"),
    (ShapeConfig(cell="Transformer"), "cell must be"),
])
def test_invalid_configurations_are_refused_in_words(bad, message):
    with pytest.raises(ValueError, match=message):
        describe(bad)
