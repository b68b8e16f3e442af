r"""ONE table of the quantities a recurrent cell computes; every other table derives from it.

    from rnnviz import quantities as Q
    Q.get("LSTM", "forget_gate").symbol      # 'f'
    Q.QUANTITIES["GRU"]                      # ('reset_gate', 'update_gate', 'candidate', 'hidden_state')
    Q.EQUATIONS["LSTM"]                      # the six LaTeX lines of PyTorch's LSTM

One row per (cell, quantity), in the order the cell computes them. The equations are those of
PyTorch (torch/nn/modules/rnn.py; ``rnnviz/core/cells.py`` writes them out as code): two matrices
and two biases per gate, ``W_{i·}`` on the input x_t, ``W_{h·}`` on the previous hidden state. The
lecture notes write the equivalent concatenated form ``W [h_{t-1}, x_t] + b`` with
``W = [W_hh | W_ih]``.

GRU: PyTorch's update is ``h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}``, so z → 1 *keeps the old state*.
The lecture notes (and some textbooks) write ``h_t = z_t ⊙ h̃_t + (1 - z_t) ⊙ h_{t-1}``: the same
model with z replaced by 1 - z. The app shows PyTorch's convention and says so.

Columns:
- ``kind``: a sigmoid gate (in [0, 1]), a tanh vector (in [−1, 1]; h of a relu RNN or a projected
  LSTM may leave it), an unbounded state (c) or the RNN's pre-activation (W x + b + W h + b).
  The kind decides the colour scale (sequential for gates, diverging around 0 otherwise), the colour
  range rule (``value_range`` in rnnviz.plots.heatmaps) and the range a forced value may take.
- ``block``: the quantity's row block in the stacked weights ``weight_ih_l{k}`` (LSTM i, f, g, o;
  GRU r, z, n; RNN one block), None for quantities no weight block produces (c, h).
- ``label_key`` / ``meaning_key``: catalogue keys (locales/*/quantities.json), written literally so
  the i18n test finds them.
- ``equation``: the line of PyTorch's equations that defines it (KaTeX).
- ``forceable``: whether ``rnnviz.trace(..., force=...)`` may hold it at a constant (ablation), and
  ``preset``: the textbook lesion the ablation page starts from.
- ``keeps_memory``: the gate whose value near 1 keeps the old memory (LSTM f, GRU z; the RNN has
  none) — what the pages compare across cells and focus on first.

A new cell variant is a new block of rows here (plus its step in rnnviz/core/cells.py).
"""

from __future__ import annotations

from dataclasses import dataclass

SIGMOID, TANH, STATE, PRE_ACTIVATION = "sigmoid gate", "tanh vector", "unbounded state", "pre-activation"
CELLS = ("RNN", "LSTM", "GRU")


@dataclass(frozen=True)
class Quantity:
    cell: str
    name: str
    symbol: str
    kind: str
    block: int | None
    label_key: str
    meaning_key: str
    equation: str
    forceable: bool = True
    preset: float = 0.0
    keeps_memory: bool = False

    @property
    def latex(self) -> str:
        """The symbol as KaTeX at step t, e.g. ``f_t``."""
        return f"{self.symbol}_t"

    @property
    def activation(self) -> str | None:
        """"sigma", "tanh" or None: what the weight block's sum goes through."""
        return {SIGMOID: "sigma", TANH: "tanh"}.get(self.kind) if self.block is not None else None

    @property
    def scale(self) -> str:
        """"sequential" (Viridis, 0 = closed, 1 = open) for gates, "diverging" (RdBu around 0) else."""
        return "sequential" if self.kind == SIGMOID else "diverging"

    @property
    def bounds(self) -> tuple[float, float]:
        """Where the quantity lives: [0, 1] gates, [−1, 1] tanh vectors, [−5, 5] for a forced c or a."""
        return {SIGMOID: (0.0, 1.0), TANH: (-1.0, 1.0)}.get(self.kind, (-5.0, 5.0))


_Q = Quantity
TABLE: tuple[Quantity, ...] = (
    _Q("RNN", "pre_activation", "a", PRE_ACTIVATION, 0, "quantities.pre_activation",
       "quantities.pre_activation_meaning", r"a_t = W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh}",
       forceable=False),
    _Q("RNN", "hidden_state", "h", TANH, None, "quantities.hidden_state",
       "quantities.rnn_hidden_state_meaning", r"h_t = \tanh(a_t)"),

    _Q("LSTM", "input_gate", "i", SIGMOID, 0, "quantities.input_gate", "quantities.input_gate_meaning",
       r"i_t = \sigma(W_{ii}\,x_t + b_{ii} + W_{hi}\,h_{t-1} + b_{hi})"),
    _Q("LSTM", "forget_gate", "f", SIGMOID, 1, "quantities.forget_gate", "quantities.forget_gate_meaning",
       r"f_t = \sigma(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf})", preset=1.0, keeps_memory=True),
    _Q("LSTM", "cell_candidate", "g", TANH, 2, "quantities.cell_candidate",
       "quantities.cell_candidate_meaning", r"g_t = \tanh(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg})"),
    _Q("LSTM", "output_gate", "o", SIGMOID, 3, "quantities.output_gate", "quantities.output_gate_meaning",
       r"o_t = \sigma(W_{io}\,x_t + b_{io} + W_{ho}\,h_{t-1} + b_{ho})", preset=1.0),
    _Q("LSTM", "cell_state", "c", STATE, None, "quantities.cell_state", "quantities.cell_state_meaning",
       r"c_t = f_t \odot c_{t-1} + i_t \odot g_t"),
    _Q("LSTM", "hidden_state", "h", TANH, None, "quantities.hidden_state",
       "quantities.lstm_hidden_state_meaning", r"h_t = o_t \odot \tanh(c_t)"),

    _Q("GRU", "reset_gate", "r", SIGMOID, 0, "quantities.reset_gate", "quantities.reset_gate_meaning",
       r"r_t = \sigma(W_{ir}\,x_t + b_{ir} + W_{hr}\,h_{t-1} + b_{hr})"),
    _Q("GRU", "update_gate", "z", SIGMOID, 1, "quantities.update_gate", "quantities.update_gate_meaning",
       r"z_t = \sigma(W_{iz}\,x_t + b_{iz} + W_{hz}\,h_{t-1} + b_{hz})", keeps_memory=True),
    _Q("GRU", "candidate", "n", TANH, 2, "quantities.candidate", "quantities.candidate_meaning",
       r"n_t = \tanh\big(W_{in}\,x_t + b_{in} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn})\big)"),
    _Q("GRU", "hidden_state", "h", TANH, None, "quantities.hidden_state",
       "quantities.gru_hidden_state_meaning", r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"),
)

# Backward direction of a bidirectional layer: the same equations, run from the last token to the
# first, so the "previous" state of position t is the one at t + 1.
BACKWARD_EQUATION = r"\overleftarrow{h}_t = \mathrm{cell}\big(x_t,\ \overleftarrow{h}_{t+1}\big),\qquad " \
                    r"\text{output}_t = [\,\overrightarrow{h}_t\,;\ \overleftarrow{h}_t\,]"


def rows(cell: str) -> tuple[Quantity, ...]:
    """The rows of one cell, in the order it computes them."""
    return tuple(q for q in TABLE if q.cell == cell)


def get(cell: str, name: str) -> Quantity:
    for q in TABLE:
        if q.cell == cell and q.name == name:
            return q
    raise KeyError(f"{cell} has no {name!r}; it has {', '.join(QUANTITIES.get(cell, ()))}.")


def _first(name: str) -> Quantity:
    return next(q for q in TABLE if q.name == name)


# ----------------------------------------------------------------------------- derived tables
# Per cell, in computing order.
QUANTITIES = {cell: tuple(q.name for q in rows(cell)) for cell in CELLS}
# The gate blocks of the stacked weights (the RNN's single block is its pre-activation, not a gate).
GATES = {cell: tuple(q.name for q in sorted(rows(cell), key=lambda q: q.block or 0)
                     if q.block is not None and q.kind != PRE_ACTIVATION) for cell in CELLS}
# What `force` may set: every gate, and the states (setting h or c of a unit is a "lesion").
FORCEABLE = {cell: tuple(q.name for q in rows(cell) if q.forceable) for cell in CELLS}
SIGMOID_GATES = {cell: tuple(q.name for q in rows(cell) if q.kind == SIGMOID) for cell in CELLS}
# (name, symbol, activation) of each weight block, in PyTorch's order.
BLOCKS = {cell: tuple((q.name, q.symbol, q.activation)
                      for q in sorted((q for q in rows(cell) if q.block is not None), key=lambda q: q.block))
          for cell in CELLS}
# The gate that keeps the old memory when near 1 (None for the RNN).
KEEP_GATE = {cell: next((q.name for q in rows(cell) if q.keeps_memory), None) for cell in CELLS}
# The equations of each cell, and the plain-language line of each quantity (catalogue keys).
EQUATIONS = {cell: [q.equation for q in rows(cell)] for cell in CELLS}
MEANING_KEYS = {cell: [(q.name, q.meaning_key) for q in rows(cell)] for cell in CELLS}
# Per name (the same in every cell that has it; tests/test_quantities.py checks).
NAMES = tuple(dict.fromkeys(q.name for q in TABLE))
KIND = {name: _first(name).kind for name in NAMES}
SYMBOL = {name: _first(name).symbol for name in NAMES}
LABEL_KEY = {name: _first(name).label_key for name in NAMES}
BOUNDS = {name: _first(name).bounds for name in NAMES}
PRESET = {name: _first(name).preset for name in NAMES if _first(name).forceable}
