r"""The cell's equations as PyTorch computes them, and one plain line per quantity.

LaTeX follows the torch.nn.RNN / LSTM / GRU documentation exactly: two matrices and two biases per
gate, ``W_{i·}`` on the input x_t and ``W_{h·}`` on the previous hidden state. The lecture notes
write the equivalent concatenated form ``W [h_{t-1}, x_t] + b`` with ``W = [W_hh | W_ih]``.

GRU: PyTorch's update is ``h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}``, so z → 1 *keeps the old state*.
The lecture notes (and some textbooks) write ``h_t = z_t ⊙ h̃_t + (1 - z_t) ⊙ h_{t-1}``: the same
model with z replaced by 1 - z. The app shows PyTorch's convention and says so.
"""

from __future__ import annotations

LATEX = {
    "RNN": [
        r"a_t = W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh}",
        r"h_t = \tanh(a_t)",
    ],
    "LSTM": [
        r"i_t = \sigma(W_{ii}\,x_t + b_{ii} + W_{hi}\,h_{t-1} + b_{hi})",
        r"f_t = \sigma(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf})",
        r"g_t = \tanh(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg})",
        r"o_t = \sigma(W_{io}\,x_t + b_{io} + W_{ho}\,h_{t-1} + b_{ho})",
        r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
        r"h_t = o_t \odot \tanh(c_t)",
    ],
    "GRU": [
        r"r_t = \sigma(W_{ir}\,x_t + b_{ir} + W_{hr}\,h_{t-1} + b_{hr})",
        r"z_t = \sigma(W_{iz}\,x_t + b_{iz} + W_{hz}\,h_{t-1} + b_{hz})",
        r"n_t = \tanh\big(W_{in}\,x_t + b_{in} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn})\big)",
        r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
    ],
}

# Backward direction of a bidirectional layer: the same equations, run from the last token to the
# first, so the "previous" state of position t is the one at t + 1.
BACKWARD_LATEX = r"\overleftarrow{h}_t = \mathrm{cell}\big(x_t,\ \overleftarrow{h}_{t+1}\big),\qquad " \
                 r"\text{output}_t = [\,\overrightarrow{h}_t\,;\ \overleftarrow{h}_t\,]"

# Plain-language line per quantity, as catalogue keys (literal, so the i18n test sees them).
MEANING_KEYS = {
    "RNN": [("pre_activation", "quantities.pre_activation_meaning"),
            ("hidden_state", "quantities.rnn_hidden_state_meaning")],
    "LSTM": [("input_gate", "quantities.input_gate_meaning"),
             ("forget_gate", "quantities.forget_gate_meaning"),
             ("cell_candidate", "quantities.cell_candidate_meaning"),
             ("output_gate", "quantities.output_gate_meaning"),
             ("cell_state", "quantities.cell_state_meaning"),
             ("hidden_state", "quantities.lstm_hidden_state_meaning")],
    "GRU": [("reset_gate", "quantities.reset_gate_meaning"),
            ("update_gate", "quantities.update_gate_meaning"),
            ("candidate", "quantities.candidate_meaning"),
            ("hidden_state", "quantities.gru_hidden_state_meaning")],
}
