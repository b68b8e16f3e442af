"""The lab's training loop: deterministic, learns, stops, and its model is exact to torch.nn."""

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.lab import train
from rnnviz.lab.model import LabNet, initialise
from rnnviz.lab.tasks import make_task
from rnnviz.lab.training import N_CHECKPOINTS, eval_steps, resolve_options


def _same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_same_seed_same_run_bitwise():
    kw = dict(lag=8, steps=40, hidden_size=8)
    one, two = train("delayed-recall", "GRU", seed=3, **kw), train("delayed-recall", "GRU", seed=3, **kw)
    other = train("delayed-recall", "GRU", seed=4, **kw)
    strip = lambda h: [{k: v for k, v in row.items() if k not in ("seconds", "cpu_seconds")} for row in h]
    assert strip(one.history) == strip(two.history)
    assert one.final_accuracy == two.final_accuracy
    assert _same_weights(one.model.weights(), two.model.weights())
    assert all(s1 == s2 and _same_weights(w1, w2) for (s1, w1), (s2, w2) in zip(one.checkpoints, two.checkpoints))
    assert not _same_weights(one.model.weights(), other.model.weights())


def test_torch_global_random_stream_untouched():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    train("dyck1", "LSTM", seed=0, steps=12)
    assert torch.equal(torch.rand(3), expected)


def test_history_checkpoints_and_progress():
    seen = []
    run = train("anbn", "LSTM", seed=0, steps=50, progress=lambda r: seen.append(r.step))
    assert len(run.checkpoints) == N_CHECKPOINTS
    steps = [s for s, _ in run.checkpoints]
    assert steps[0] == 0 and steps[-1] == 50 and steps == sorted(set(steps))
    assert seen == [row["step"] for row in run.history] and seen[0] == 0 and seen[-1] == 50
    assert all(0.0 <= row["accuracy"] <= 1.0 for row in run.history)
    assert 0.0 <= run.final_accuracy <= 1.0 and run.stopped is None
    first = run.model_at(0).weights()
    assert not _same_weights(first, run.model.weights())
    assert _same_weights(run.model_at(len(run.checkpoints) - 1).weights(), run.model.weights())


def test_stop_flag_and_time_cap_end_early_with_a_complete_run():
    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] >= 7

    run = train("delayed-recall", "RNN", seed=0, lag=5, steps=100, stop=stop)
    assert run.stopped == "stop" and run.step == 7 and run.checkpoints[-1][0] == 7
    assert run.model is not None and run.final_accuracy is not None
    capped = train("delayed-recall", "RNN", seed=0, lag=5, steps=5000, max_seconds=0.0)
    assert capped.stopped == "time" and capped.step == 1


def test_bad_options_are_clear_errors():
    for kwargs in ({"cell": "TRANSFORMER"}, {"hidden_size": 0}, {"gate_bias": "magic"}, {"lr": -1},
                   {"colour": "red"}, {"seed": -1}):
        args = {"task": "dyck1", "cell": "LSTM", **kwargs}
        with pytest.raises(ValueError):
            train(**args)
    with pytest.raises(ValueError):
        train("parity", "LSTM")


def test_gate_bias_options_set_the_keep_gate():
    task = make_task("delayed-recall", lag=50)
    H = 16
    for cell, keep in (("LSTM", 1), ("GRU", 1)):
        for option, check in (("plus2", lambda b: torch.allclose(b, torch.full((H,), 2.0))),
                              ("chrono", lambda b: bool((b >= 0).all() and (b <= np.log(task.horizon - 1)).all()
                                                         and b.std() > 0.3))):
            net = LabNet(task, cell, H)
            initialise(net, task, cell, option, torch.Generator().manual_seed(0))
            total = (net.rnn.bias_ih_l0 + net.rnn.bias_hh_l0)[keep * H:(keep + 1) * H]
            assert check(total.detach()), (cell, option)
            if cell == "LSTM" and option == "chrono":
                i_bias = (net.rnn.bias_ih_l0 + net.rnn.bias_hh_l0)[:H]
                assert torch.allclose(i_bias, -total)
    _, opts = resolve_options("delayed-recall", "RNN", 0, gate_bias="chrono")
    assert opts["gate_bias"] == "default"                 # the classic RNN has no gate


@pytest.mark.parametrize("task,cell", [("delayed-recall", "LSTM"), ("flipflop", "GRU"), ("dyck1", "RNN"),
                                       ("anbn", "LSTM")])
def test_lab_model_trace_and_readout_equal_torch(task, cell):
    run = train(task, cell, seed=1, steps=12, hidden_size=6, **({"lag": 6} if task == "delayed-recall" else {}))
    model = run.model
    probe = run.model.lab_task.probe()
    tokens = model.tokens(probe)
    assert tokens == list(probe)
    tr = model.trace(tokens)
    net = LabNet(model.lab_task, cell, 6)
    net.load_state_dict(model.weights())
    ids = torch.tensor(model.lab_task.encode(probe))[:, None]              # (T, 1)
    with torch.no_grad():
        expected_out, _ = net.rnn(net.embedding(ids))                       # (T, 1, H)
        expected = net.head(expected_out)[:, 0]                             # (T, K)
    assert np.allclose(tr.get("hidden_state"), expected_out[:, 0].numpy(), atol=1e-5)
    y = model.readout(tr)
    assert y.dtype == np.float32 and y.shape == (len(probe), model.lab_task.n_outputs)
    if model.lab_task.kind == "classify":
        expected = torch.softmax(expected, -1)
        assert np.allclose(y.sum(-1), 1.0, atol=1e-5)
    assert np.allclose(y, expected.numpy(), atol=1e-5)
    assert set(tr.quantities) == set(rnnviz.QUANTITIES[cell])


@pytest.mark.parametrize("steps", [12, 100, 200, 400, 800, 3000])
def test_curve_points_cost_in_proportion_to_the_budget(steps):
    """A point every 10 steps (at most 41): the curve's share of the CPU does not grow as the
    budget shrinks (bench/bench_lab.py measures the whole loop against a bare one)."""
    points = eval_steps(steps)
    assert points[0] == 0 and points[-1] == steps and points == sorted(set(points))
    assert len(points) == min(41, steps // 10 + 1)
    assert min(b - a for a, b in zip(points, points[1:])) >= min(10, steps)
