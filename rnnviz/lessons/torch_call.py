"""Chapter 9 — the PyTorch call and its shapes, on the lecture notes' own example.

    rnn = nn.LSTM(5, 6, 2); input = torch.randn(1, 3, 5); h0 = c0 = torch.randn(2, 3, 6)
    output, (hn, cn) = rnn(input, (h0, c0))

input is (sequence_length=1, batch=3, input_size=5); h_n is (num_layers × directions = 2, 3, 6):
one final state per layer. output holds only the *top* layer's states, so with one time step
output[0] equals h_n[1], not h_n[0] (the notes print exactly this). Run here with seeded tensors;
the answer is whichever row of h_n equals output[0] exactly (torch.equal), or neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

INPUT_SIZE, HIDDEN_SIZE, NUM_LAYERS = 5, 6, 2
SEQ_LEN, BATCH = 1, 3
SEED = 0
NEITHER = -1
OPTIONS = (0, 1, NEITHER)       # h_n[0], h_n[1], neither


@dataclass(frozen=True)
class TorchCall:
    output: np.ndarray          # (L, N, H) = (1, 3, 6)
    h_n: np.ndarray             # (num_layers, N, H) = (2, 3, 6)
    c_n: np.ndarray
    equal_row: int              # the row of h_n equal to output[0], or NEITHER

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {"output": self.output.shape, "h_n": self.h_n.shape, "c_n": self.c_n.shape}


def torch_call(seed: int = SEED) -> TorchCall:
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        rnn = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, NUM_LAYERS).eval()
        x = torch.randn(SEQ_LEN, BATCH, INPUT_SIZE)                      # (L, N, H_in)
        h0 = torch.randn(NUM_LAYERS, BATCH, HIDDEN_SIZE)                 # (layers, N, H)
        c0 = torch.randn(NUM_LAYERS, BATCH, HIDDEN_SIZE)
    finally:
        torch.random.set_rng_state(gen_state)  # leave everyone else's random stream alone
    with torch.no_grad():
        output, (h_n, c_n) = rnn(x, (h0, c0))
    rows = [k for k in range(NUM_LAYERS) if torch.equal(output[0], h_n[k])]
    return TorchCall(output=output.numpy(), h_n=h_n.numpy(), c_n=c_n.numpy(), equal_row=rows[0] if rows else NEITHER)
