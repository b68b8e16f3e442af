"""Chapter 5 — the input gate (输入门) and the output gate (输出门): who changes the cell state?

The LSTM's cell state (细胞状态) changes only through two terms,

    c_t − c_{t−1} = (f_t − 1) ⊙ c_{t−1}  +  i_t ⊙ g_t
                    └ erased by the forget gate ┘   └ written through the input gate ┘

and the output gate o_t only decides how much of tanh(c_t) is shown as h_t = o_t ⊙ tanh(c_t).
For the shipped sentiment LSTM on the chapter's sentence we take the biggest jump of any cell at
the sentiment word "great" (argmax over units of |c_t − c_{t−1}|) and ask which gate made it; the answer is whichever of the two
terms is larger in magnitude at that step and unit (the output gate can never be the answer, which
is the point of the distractor).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import models
from rnnviz.lessons.forget_gate import MODEL, SENTENCE

INPUT, FORGET, OUTPUT = "input_gate", "forget_gate", "output_gate"
OPTIONS = (FORGET, INPUT, OUTPUT)
WORD = "great"


@dataclass(frozen=True)
class CellWrite:
    model: str
    tokens: tuple[str, ...]
    step: int                     # position of the word
    unit: int
    wires: dict                   # quantity -> value at (step, unit), plus c_prev / h_prev (the diagram's)
    written: float                # i_t g_t
    erased: float                 # (f_t − 1) c_{t−1}
    gate: str                     # the gate that made the change: INPUT or FORGET

    @property
    def c_prev(self) -> float:
        return self.wires["cell_state_prev"]

    @property
    def c(self) -> float:
        return self.wires["cell_state"]


def cell_write(model_name: str = MODEL, tokens: tuple[str, ...] = SENTENCE, word: str = WORD) -> CellWrite:
    model = models.load(model_name)
    with torch.inference_mode():
        tr = model.trace(list(tokens))
    q = {name: np.asarray(tr.get(name), dtype=np.float64) for name in tr.quantities}   # (T, H) each
    c = q["cell_state"]
    c_prev = np.vstack([np.zeros((1, c.shape[1])), c[:-1]])                              # c_{t−1}, c_{−1} = 0
    step = tokens.index(word)
    unit = int(np.argmax(np.abs(c[step] - c_prev[step])))
    written = float(q["input_gate"][step, unit] * q["cell_candidate"][step, unit])
    erased = float((q["forget_gate"][step, unit] - 1.0) * c_prev[step, unit])
    h = q["hidden_state"]
    wires = {name: float(a[step, unit]) for name, a in q.items()}
    wires |= {"cell_state_prev": float(c_prev[step, unit]),
              "hidden_state_prev": float(h[step - 1, unit]) if step > 0 else 0.0,
              "tanh_cell_state": float(np.tanh(c[step, unit]))}
    return CellWrite(model=model_name, tokens=tuple(tokens), step=step, unit=unit, wires=wires,
                     written=written, erased=erased, gate=INPUT if abs(written) >= abs(erased) else FORGET)
