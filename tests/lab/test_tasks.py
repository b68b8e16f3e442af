"""The lab's tasks: batches are deterministic by (seed, step), targets are what the task says."""

import numpy as np
import pytest
import torch

from rnnviz.lab.tasks import TASK_NAMES, make_task


@pytest.mark.parametrize("name", TASK_NAMES)
def test_batches_are_deterministic_by_seed_and_step(name):
    task = make_task(name)
    a, b, c = task.batch(3, 5, 16), task.batch(3, 5, 16), task.batch(3, 6, 16)
    assert torch.equal(a.ids, b.ids) and torch.equal(a.targets, b.targets) and torch.equal(a.mask, b.mask)
    assert not torch.equal(a.ids, c.ids)
    assert torch.equal(task.heldout(64).ids, task.heldout(64).ids)
    assert a.ids.min() >= 1 and a.ids.max() < len(task.itos)          # <unk> (row 0) never appears


@pytest.mark.parametrize("name", TASK_NAMES)
def test_probe_is_in_the_vocabulary(name):
    task = make_task(name)
    probe = task.probe()
    assert probe and all(ch in task.symbols for ch in probe)


def test_delayed_recall_answer_is_the_first_symbol():
    task = make_task("delayed-recall", lag=7)
    batch = task.batch(0, 1, 32)
    assert batch.ids.shape == (9, 32)
    first = [task.itos[i] for i in batch.ids[0]]
    assert [task.outputs[i] for i in batch.targets[-1]] == first
    assert batch.mask[-1].all() and not batch.mask[:-1].any()
    assert {task.itos[i] for i in batch.ids[1:-1].flatten()} <= set("wxyz")
    assert {task.itos[i] for i in batch.ids[-1]} == {"?"}
    with pytest.raises(ValueError):
        make_task("delayed-recall", lag=0)
    with pytest.raises(ValueError):
        make_task("anbn", lag=5)


def test_anbn_targets_and_heldout_lengths():
    task = make_task("anbn")
    batch = task.heldout(40)
    lengths = 2 * batch.mask.sum(0).numpy()                               # 2n symbols, n scored
    assert sorted(set(lengths // 2)) == list(range(21, 41))               # held out: n = 21 … 40
    j = 0
    n = lengths[j] // 2
    text = "".join(task.itos[i] for i in batch.ids[: 2 * n, j])
    assert text == "a" * n + "b" * n
    nxt = "".join(task.outputs[i] for i in batch.targets[n: 2 * n, j])   # determined part
    assert nxt == "b" * (n - 1) + "."
    assert batch.mask[:, j].sum() == n


def test_dyck_depth_is_the_running_count():
    task = make_task("dyck1")
    batch = task.batch(1, 2, 8)
    step = torch.where(batch.ids == 1, 1, -1)
    assert torch.equal(torch.cumsum(step, 0), batch.targets)
    assert batch.targets.min() >= 0 and batch.targets.max() <= 8


def test_flipflop_holds_the_last_pulse():
    task = make_task("flipflop")
    batch = task.batch(0, 0, 4)
    ids, targets = batch.ids.numpy(), batch.targets.numpy()
    for j in range(4):
        state = np.zeros(3)
        for t in range(ids.shape[0]):
            token = task.itos[ids[t, j]]
            if token != ".":
                state["ABC".index(token.upper())] = 1 if token.isupper() else -1
            assert np.array_equal(targets[t, j], state)
    assert torch.equal(batch.mask, batch.targets != 0)
