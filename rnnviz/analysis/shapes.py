"""What goes in and comes out of ``torch.nn.RNN / LSTM / GRU``: every shape, with named dimensions.

    cfg = ShapeConfig(cell="LSTM", num_layers=2, bidirectional=True, batch_first=True)
    rep = describe(cfg)
    rep.code                # the exact torch call, runnable as is
    rep.tensors             # input, h0, (c0), output, h_n, (c_n) with named dimensions
    rep.equalities          # which slice of output equals which slice of h_n
    check(cfg)              # runs torch: the shapes and the equalities, as torch reports them

The rules, from the torch.nn.RNN / LSTM / GRU documentation (names as there):

    N = batch size, L = sequence length, D = 2 if bidirectional else 1,
    H_in = input_size, H_cell = hidden_size, H_out = proj_size if proj_size > 0 else hidden_size

    input   (L, N, H_in)                 or (N, L, H_in) with batch_first=True
    h_0     (D * num_layers, N, H_out)   batch_first does NOT change h_0 / h_n / c_n
    c_0     (D * num_layers, N, H_cell)  LSTM only
    output  (L, N, D * H_out)            or (N, L, D * H_out) with batch_first=True: top layer only
    h_n     (D * num_layers, N, H_out)   every layer's final state; row D*k + d is layer k, direction d
    c_n     (D * num_layers, N, H_cell)  LSTM only

``output`` holds the top layer's state at every position, both directions side by side
(``[forward ; backward]``). The forward direction ends at the last position, so its final state is
``output[-1, :, :H_out]``; the backward direction *ends at position 0* (it reads the sequence from
the last token to the first), so its final state is ``output[0, :, H_out:]`` — not ``output[-1]``.
The lower layers' final states are in h_n only. The lecture notes' example ``nn.RNN(5, 6, 1)`` on
an input of shape (1, 3, 5) has L = 1, which is why its printed ``output`` and ``hn`` are identical.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import nn

CELLS = ("RNN", "LSTM", "GRU")


@dataclass(frozen=True)
class ShapeConfig:
    """One call of a torch recurrent module. Defaults: the lecture notes' ``nn.RNN(5, 6, 1)`` example."""

    cell: str = "RNN"
    input_size: int = 5
    hidden_size: int = 6
    num_layers: int = 1
    bidirectional: bool = False
    batch_first: bool = False
    batch_size: int = 3
    seq_len: int = 1
    proj_size: int = 0

    def validate(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}; got {self.cell!r}.")
        for name in ("input_size", "hidden_size", "num_layers", "batch_size", "seq_len"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1.")
        if self.proj_size < 0:
            raise ValueError("proj_size must be 0 (no projection) or positive.")
        if self.proj_size and self.cell != "LSTM":
            raise ValueError("proj_size exists only for nn.LSTM.")
        if self.proj_size and self.proj_size >= self.hidden_size:
            raise ValueError("proj_size must be smaller than hidden_size (torch's rule).")

    @property
    def directions(self) -> int:  # D
        return 2 if self.bidirectional else 1

    @property
    def h_out(self) -> int:  # H_out: what h_t is (projected for an LSTM with proj_size)
        return self.proj_size if self.proj_size else self.hidden_size


@dataclass(frozen=True)
class TensorShape:
    """One tensor of the call: its name, its shape, and what each dimension means."""

    name: str                      # "input", "h0", "c0", "output", "h_n", "c_n"
    dims: tuple[tuple[str, int], ...]  # (("L", 1), ("N", 3), ("H_in", 5))

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(size for _, size in self.dims)

    def formula(self) -> str:
        """``(L=1, N=3, H_in=5)``"""
        return "(" + ", ".join(f"{d}={s}" for d, s in self.dims) + ")"


@dataclass(frozen=True)
class Equality:
    """``output[output_index] == h_n[h_n_index]`` (the final state of the top layer, one direction)."""

    layer: int
    direction: int                 # 0 forward, 1 backward
    output_index: tuple            # index into output, e.g. (-1, slice(None), slice(0, 6))
    h_n_index: int                 # row of h_n

    @property
    def output_text(self) -> str:
        return "output[" + ", ".join(_index_text(i) for i in self.output_index) + "]"

    @property
    def h_n_text(self) -> str:
        return f"h_n[{self.h_n_index}]"


@dataclass(frozen=True)
class ShapeReport:
    config: ShapeConfig
    code: str
    tensors: tuple[TensorShape, ...]
    equalities: tuple[Equality, ...]

    def tensor(self, name: str) -> TensorShape:
        return next(ts for ts in self.tensors if ts.name == name)


def _index_text(i) -> str:
    if isinstance(i, slice):
        start = "" if i.start in (None, 0) else str(i.start)
        stop = "" if i.stop is None else str(i.stop)
        return f"{start}:{stop}"
    return str(i)


def _tensors(cfg: ShapeConfig) -> tuple[TensorShape, ...]:
    D, Hout, N, L = cfg.directions, cfg.h_out, cfg.batch_size, cfg.seq_len
    time_batch = (("N", N), ("L", L)) if cfg.batch_first else (("L", L), ("N", N))
    state = (("D·num_layers", D * cfg.num_layers), ("N", N))  # batch_first never moves these
    lstm = cfg.cell == "LSTM"
    tensors = [TensorShape("input", time_batch + (("H_in", cfg.input_size),)),
               TensorShape("h0", state + (("H_out", Hout),))]
    tensors += [TensorShape("c0", state + (("H_cell", cfg.hidden_size),))] if lstm else []
    tensors += [TensorShape("output", time_batch + (("D·H_out", D * Hout),)),
                TensorShape("h_n", state + (("H_out", Hout),))]
    tensors += [TensorShape("c_n", state + (("H_cell", cfg.hidden_size),))] if lstm else []
    return tuple(tensors)


def describe(cfg: ShapeConfig) -> ShapeReport:
    """Every shape of ``cfg``'s call, computed from the documented rules (``check`` runs torch)."""
    cfg.validate()
    D, Hout = cfg.directions, cfg.h_out
    # The top layer's final states inside output: forward at the last position, backward at 0.
    top = cfg.num_layers - 1
    equalities = []
    for d in range(D):
        position = -1 if d == 0 else 0
        features = slice(d * Hout, (d + 1) * Hout)  # this direction's half of D·H_out
        index = (slice(None), position, features) if cfg.batch_first else (position, slice(None), features)
        equalities.append(Equality(top, d, index, D * top + d))
    return ShapeReport(cfg, torch_code(cfg), _tensors(cfg), tuple(equalities))


def torch_code(cfg: ShapeConfig) -> str:
    """The call written as in the lecture notes (``nn.RNN(5, 6, 1)``), extra options by keyword."""
    cfg.validate()
    args = [str(cfg.input_size), str(cfg.hidden_size), str(cfg.num_layers)]
    if cfg.bidirectional:
        args.append("bidirectional=True")
    if cfg.batch_first:
        args.append("batch_first=True")
    if cfg.proj_size:
        args.append(f"proj_size={cfg.proj_size}")
    shapes = {ts.name: ts.shape for ts in _tensors(cfg)}
    shape = lambda name: ", ".join(str(s) for s in shapes[name])  # noqa: E731
    lines = ["import torch", "import torch.nn as nn", "",
             f"rnn = nn.{cfg.cell}({', '.join(args)})",
             f"input = torch.randn({shape('input')})",
             f"h0 = torch.randn({shape('h0')})"]
    if cfg.cell == "LSTM":
        lines += [f"c0 = torch.randn({shape('c0')})", "output, (hn, cn) = rnn(input, (h0, c0))"]
    else:
        lines.append("output, hn = rnn(input, h0)")
    return "\n".join(lines)


def build(cfg: ShapeConfig, seed: int = 0) -> nn.RNNBase:
    """The module of ``cfg`` with seeded weights (PyTorch's own initialisation), in eval mode."""
    cfg.validate()
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[cfg.cell]
    kw = dict(num_layers=cfg.num_layers, bidirectional=cfg.bidirectional, batch_first=cfg.batch_first)
    if cfg.proj_size:
        kw["proj_size"] = cfg.proj_size
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        module = cls(cfg.input_size, cfg.hidden_size, **kw)
    finally:
        torch.random.set_rng_state(gen_state)  # leave everyone else's random stream alone
    return module.eval().requires_grad_(False)


@dataclass
class Run:
    """What torch returned for ``cfg`` on seeded random tensors (float32 tensors, as returned)."""

    tensors: dict[str, torch.Tensor]   # input, h0, (c0), output, h_n, (c_n)
    equal: tuple[bool, ...]            # one per Equality of describe(cfg), checked with torch.equal


def run(cfg: ShapeConfig, seed: int = 0) -> Run:
    """Run ``cfg``'s call with seeded ``torch.randn`` inputs; return every tensor and the checks."""
    rep = describe(cfg)
    module = build(cfg, seed)
    gen = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(rep.tensor("input").shape, generator=gen)
    h0 = torch.randn(rep.tensor("h0").shape, generator=gen)
    tensors = {"input": x, "h0": h0}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "projections not supported with oneDNN"
        if cfg.cell == "LSTM":
            c0 = torch.randn(rep.tensor("c0").shape, generator=gen)
            output, (h_n, c_n) = module(x, (h0, c0))
            tensors |= {"c0": c0, "output": output, "h_n": h_n, "c_n": c_n}
        else:
            output, h_n = module(x, h0)
            tensors |= {"output": output, "h_n": h_n}
    equal = tuple(torch.equal(output[e.output_index], h_n[e.h_n_index]) for e in rep.equalities)
    return Run(tensors, equal)


def check(cfg: ShapeConfig, seed: int = 0) -> dict[str, bool]:
    """Does torch agree with :func:`describe`? ``{"input": True, ..., "output[-1, :, :6] == h_n[1]": True}``."""
    rep, result = describe(cfg), run(cfg, seed)
    found = {ts.name: tuple(result.tensors[ts.name].shape) == ts.shape for ts in rep.tensors}
    for e, ok in zip(rep.equalities, result.equal):
        found[f"{e.output_text} == {e.h_n_text}"] = ok
    return found
