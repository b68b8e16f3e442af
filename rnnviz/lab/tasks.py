"""The lab's tasks: small synthetic problems chosen to expose how a recurrent cell remembers.

Every task is a sequence-to-sequence problem over a tiny character vocabulary: a batch is
``ids`` (T, B) token ids, ``targets`` and a ``mask`` saying which positions are scored. The
network reads one character per time step and emits ``n_outputs`` numbers per step (class scores,
or values for the flip-flop). Batches are deterministic by ``(seed, step)`` (one numpy generator per
batch), so a run is reproducible and two runs of the same configuration see the same data.

- ``delayed-recall`` (lag L): ``s d_1 … d_L ?`` — one of 4 symbols (A B C D), L distractors drawn from
  w x y z, then the query ``?``; the answer, scored only at ``?``, is s. Chance is 1/4. The error
  signal must travel L+1 steps back through the recurrence: the classic RNN's gradient shrinks
  like a product of L Jacobians (Bengio, Simard & Frasconi 1994), a gate that stays open
  (f ≈ 1 for the LSTM, z ≈ 1 for PyTorch's GRU) carries it unchanged (Hochreiter & Schmidhuber 1997).
- ``anbn``: next-symbol prediction on ``aⁿbⁿ.`` for n = 1 … 20; held out: n = 21 … 40 (does the
  count generalise? Gers & Schmidhuber 2001; Weiss, Goldberg & Yahav 2018). A string counts as
  right when every determined next symbol is the argmax (after the first b everything is
  determined; among the a's, "." must not be predicted).
- ``dyck1``: bracket depth — after each ``(`` or ``)`` output the current nesting depth 0 … 8
  (a counter that must go up and down); held out: per-character accuracy on fresh strings.
- ``flipflop``: the 3-bit flip-flop of Sussillo & Barak 2013 — three input channels carry rare ±1
  pulses (one per step at most: tokens A B C = +1 on channel 1 2 3, a b c = −1, ``.`` = nothing);
  each output must hold the sign of the last pulse on its channel. The embedding is fixed to those
  pulse vectors, so the network reads exactly S&B's inputs; a solution has 2³ = 8 stable states.
  Scored (sign right) only on channels that have had a pulse.

Accuracy is always measured on a fixed held-out set drawn from a seed no training batch uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

HELDOUT_SEED = 2_000_003          # no training seed reaches it: training batches use [seed, step]
TASK_NAMES = ("delayed-recall", "anbn", "dyck1", "flipflop")


@dataclass
class Batch:
    ids: torch.Tensor       # (T, B) long
    targets: torch.Tensor   # (T, B) long class ids, or (T, B, K) float values
    mask: torch.Tensor      # (T, B) or (T, B, K) bool: which outputs are scored


@dataclass(frozen=True)
class Task:
    """A task: vocabulary, output names, how batches are drawn and how they are scored."""

    name: str
    symbols: tuple[str, ...]           # the characters the network reads (embedding rows 1…; row 0 = <unk>)
    outputs: tuple[str, ...]           # names of the n_outputs per-step outputs
    kind: str                          # "classify" (softmax over outputs) | "regress" (values)
    horizon: int                       # the longest dependency, for chrono initialisation (T_max)
    params: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)   # training options this task starts from
    heldout_shift: bool = False        # the held-out set is drawn from a harder distribution than training

    @property
    def n_outputs(self) -> int:
        return len(self.outputs)

    @property
    def itos(self) -> list[str]:
        return ["<unk>", *self.symbols]

    def encode(self, text: str) -> list[int]:
        stoi = {s: i for i, s in enumerate(self.itos)}
        return [stoi.get(ch, 0) for ch in text]

    # -- data ---------------------------------------------------------------------------------
    def batch(self, seed: int, step: int, size: int) -> Batch:
        """Training batch number ``step`` of a run with ``seed`` (deterministic)."""
        return _MAKERS[self.name](self, np.random.default_rng([seed, step]), size, train=True)

    def heldout(self, size: int = 512) -> Batch:
        """The fixed held-out set (the same for every seed and run)."""
        return _MAKERS[self.name](self, np.random.default_rng([HELDOUT_SEED, size]), size, train=False)

    def probe(self) -> str:
        """The fixed probe sequence the checkpoint heatmaps show."""
        return _PROBES[self.name](self)

    # -- scoring ------------------------------------------------------------------------------
    def correct(self, outputs: torch.Tensor, batch: Batch) -> float:
        """Fraction of the batch that is right. outputs: (T, B, n_outputs)."""
        if self.name == "anbn":
            pred = outputs.argmax(-1)                                     # (T, B)
            wrong = (pred != batch.targets) & batch.mask                  # determined positions
            early_stop = (pred == self.outputs.index(".")) & ~batch.mask & (batch.targets != -1)
            return float((~(wrong | early_stop).any(0)).float().mean())   # whole strings right
        if self.kind == "classify":
            right = (outputs.argmax(-1) == batch.targets)[batch.mask]
        else:
            right = (torch.sign(outputs) == batch.targets)[batch.mask]
        return float(right.float().mean())

    def loss(self, outputs: torch.Tensor, batch: Batch) -> torch.Tensor:
        if self.kind == "classify":
            train_mask = batch.targets >= 0                               # anbn trains on every symbol
            return torch.nn.functional.cross_entropy(outputs[train_mask], batch.targets[train_mask])
        return ((outputs - batch.targets)[batch.mask] ** 2).mean()


# ---------------------------------------------------------------------------------------------
# delayed recall

RECALL = tuple("ABCD")
DISTRACT = tuple("wxyz")


def _recall(task: Task, rng: np.random.Generator, size: int, train: bool) -> Batch:
    lag = task.params["lag"]
    first = rng.integers(0, len(RECALL), size)                                   # (B,)
    filler = rng.integers(0, len(DISTRACT), (lag, size))                         # (L, B)
    ids = np.concatenate([first[None] + 1, filler + 1 + len(RECALL),
                          np.full((1, size), len(task.itos) - 1)])               # (L+2, B)
    targets = np.full(ids.shape, -1)
    targets[-1] = first
    mask = np.zeros(ids.shape, dtype=bool)
    mask[-1] = True
    return Batch(torch.from_numpy(ids), torch.from_numpy(targets), torch.from_numpy(mask))


def _recall_probe(task: Task) -> str:
    rng = np.random.default_rng(7)
    return "B" + "".join(DISTRACT[i] for i in rng.integers(0, 4, task.params["lag"])) + "?"


# ---------------------------------------------------------------------------------------------
# aⁿbⁿ

def _anbn(task: Task, rng: np.random.Generator, size: int, train: bool) -> Batch:
    n_max = task.params["n_train"]
    ns = rng.integers(1, n_max + 1, size) if train else np.arange(size) % n_max + n_max + 1
    T = 2 * int(ns.max())
    a, b, stop = (task.outputs.index(s) for s in "ab.")
    ids = np.full((T, size), 1 + stop, dtype=np.int64)                   # padded with "." (not scored)
    targets = np.full((T, size), -1)
    mask = np.zeros((T, size), dtype=bool)
    for j, n in enumerate(ns):
        ids[:n, j], ids[n:2 * n, j] = 1 + a, 1 + b                       # input: aⁿbⁿ
        targets[:n - 1, j] = a                                           # among the a's: a or b
        targets[n - 1:2 * n - 1, j] = b
        targets[2 * n - 1, j] = stop
        mask[n:2 * n, j] = True                                          # determined after the 1st b
    return Batch(torch.from_numpy(ids), torch.from_numpy(targets), torch.from_numpy(mask))


def _anbn_probe(task: Task) -> str:
    n = task.params["n_train"] // 2
    return "a" * n + "b" * n


# ---------------------------------------------------------------------------------------------
# Dyck-1 bracket depth

def _dyck(task: Task, rng: np.random.Generator, size: int, train: bool) -> Batch:
    T, top = task.params["length"], len(task.outputs) - 1
    ups = rng.random((T, size)) < 0.5
    ids = np.zeros((T, size), dtype=np.int64)
    depth = np.zeros((T, size), dtype=np.int64)
    d = np.zeros(size, dtype=np.int64)
    for t in range(T):
        up = np.where(d == 0, True, np.where(d == top, False, ups[t]))   # never below 0 or above top
        d = d + np.where(up, 1, -1)
        ids[t], depth[t] = np.where(up, 1, 2), d
    return Batch(torch.from_numpy(ids), torch.from_numpy(depth), torch.ones(T, size, dtype=torch.bool))


def _dyck_probe(task: Task) -> str:
    return "((()(()))()((((()))(()))))"[: task.params["length"]]


# ---------------------------------------------------------------------------------------------
# 3-bit flip-flop

FLIP_SYMBOLS = (".", "A", "B", "C", "a", "b", "c")


def pulse_vectors() -> torch.Tensor:
    """The embedding of the flip-flop: row k = the input vector of token k. (8, 3)"""
    rows = [[0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, 0, 0], [0, -1, 0], [0, 0, -1]]
    return torch.tensor(rows, dtype=torch.float32)


def _flipflop(task: Task, rng: np.random.Generator, size: int, train: bool) -> Batch:
    T, p = task.params["length"], task.params["pulse"]
    pulse = rng.random((T, size)) < p
    channel = rng.integers(0, 3, (T, size))
    sign = rng.integers(0, 2, (T, size))                              # 0: +1, 1: −1
    ids = np.where(pulse, 2 + channel + 3 * sign, 1)                 # "." is row 1
    targets = np.zeros((T, size, 3), dtype=np.float32)
    state = np.zeros((size, 3), dtype=np.float32)
    cols = np.arange(size)
    for t in range(T):
        hit = pulse[t]
        state[cols[hit], channel[t, hit]] = np.where(sign[t, hit] == 0, 1.0, -1.0)
        targets[t] = state
    return Batch(torch.from_numpy(ids), torch.from_numpy(targets), torch.from_numpy(targets != 0))


def _flipflop_probe(task: Task) -> str:
    return "..A...b....C..a.....B..c...A....b..C...a.."


_MAKERS = {"delayed-recall": _recall, "anbn": _anbn, "dyck1": _dyck, "flipflop": _flipflop}
_PROBES = {"delayed-recall": _recall_probe, "anbn": _anbn_probe, "dyck1": _dyck_probe,
           "flipflop": _flipflop_probe}


def make_task(name: str, lag: int | None = None) -> Task:
    """The task ``name``; ``lag`` (1 … 200) only for delayed recall (default 100)."""
    if name == "delayed-recall":
        lag = 100 if lag is None else int(lag)
        if not 1 <= lag <= 200:
            raise ValueError(f"lag must be between 1 and 200, got {lag}.")
        return Task(name, (*RECALL, *DISTRACT, "?"), RECALL, "classify", horizon=lag + 2,
                    params={"lag": lag}, defaults={"hidden_size": 32, "lr": 1e-2, "steps": 400,
                                                   "batch_size": 64})
    if lag is not None:
        raise ValueError(f"lag only applies to delayed-recall, not {name!r}.")
    if name == "anbn":
        return Task(name, tuple("ab."), tuple("ab."), "classify", horizon=40, params={"n_train": 20},
                    defaults={"hidden_size": 4, "lr": 1e-2, "steps": 2000, "batch_size": 32}, heldout_shift=True)
    if name == "dyck1":
        return Task(name, tuple("()"), tuple(str(d) for d in range(9)), "classify", horizon=32,
                    params={"length": 32}, defaults={"hidden_size": 4, "lr": 1e-2, "steps": 1500,
                                                     "batch_size": 32})
    if name == "flipflop":
        return Task(name, FLIP_SYMBOLS, ("bit 1", "bit 2", "bit 3"), "regress", horizon=60,
                    params={"length": 60, "pulse": 0.1}, defaults={"hidden_size": 16, "lr": 1e-2,
                                                                   "steps": 1500, "batch_size": 32})
    raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASK_NAMES)}.")
