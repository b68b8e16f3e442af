"""The small networks behind the shipped demo models: an embedding, one torch recurrent module
(``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``, so ``rnnviz.trace`` sees exactly what ran) and a linear head.

The four I/O shapes of the lecture notes (Karpathy, "The Unreasonable Effectiveness of RNNs", 2015):

- N→1 ``Classifier``: y = softmax(W [h_T^→ ; h_1^←] + b) — the head reads the final hidden state
  (both final states for a bidirectional cell: forward at the last token, backward at the first).
- N→N ``TokenLM``: p(x_{t+1} | x_≤t) = softmax(W h_t + b) at every step (char LM, aⁿbⁿ counter).
- 1→N generation: the same ``TokenLM`` fed its own samples (rnnviz.models.generate).
- N→M ``Seq2Seq`` (Cho et al. 2014, arXiv:1406.1078): the encoder's final state is the context
  vector c; the decoder starts from h_0 = c and reads [embed(y_{t-1}) ; c] at every step, so c is
  visible to every decoder step; p(y_t | y_<t, c) = softmax(W s_t + b).

State-dict keys are the contract with config.json/safetensors: ``embedding.weight``, ``rnn.*``
(torch's own names, e.g. ``rnn.weight_ih_l0``), ``head.weight``, ``head.bias``; the seq2seq model
has ``encoder.*``, ``decoder.*``, ``src_embedding.weight``, ``tgt_embedding.weight``, ``head.*``.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

CELLS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


def make_rnn(cell: str, input_size: int, hidden_size: int, bidirectional: bool = False,
             num_layers: int = 1) -> nn.Module:
    return CELLS[cell](input_size, hidden_size, num_layers=num_layers, batch_first=True,
                       bidirectional=bidirectional)


def final_hidden(h_n: torch.Tensor, num_directions: int) -> torch.Tensor:
    """Top layer's final state(s) concatenated over directions: (D*L, B, H) -> (B, D*H)."""
    top = h_n[-num_directions:]                      # (D, B, H): forward h_T, backward h_1
    return torch.cat(list(top), dim=-1)              # (B, D*H)


class Classifier(nn.Module):
    """N→1: embedding -> rnn -> linear head on the final hidden state."""

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_size: int, cell: str,
                 bidirectional: bool, num_classes: int = 2, dropout: float = 0.0, pad_index: int = 0):
        super().__init__()
        self.cell, self.num_directions = cell, 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_index)
        self.rnn = make_rnn(cell, embedding_dim, hidden_size, bidirectional)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.num_directions * hidden_size, num_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """ids (B, T) right-padded, lengths (B,) -> logits (B, C)."""
        x = self.dropout(self.embedding(ids))                                   # (B, T, E)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, state = self.rnn(packed)
        h_n = state[0] if self.cell == "LSTM" else state                        # (D, B, H)
        return self.head(self.dropout(final_hidden(h_n, self.num_directions)))  # (B, C)


class TokenLM(nn.Module):
    """N→N: embedding -> rnn -> linear head at every step (next-token logits)."""

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_size: int, cell: str,
                 dropout: float = 0.0, num_layers: int = 1):
        super().__init__()
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = make_rnn(cell, embedding_dim, hidden_size, num_layers=num_layers)   # the head reads the top layer
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids: torch.Tensor, hx=None):
        """ids (B, T) -> logits (B, T, V), final state (to carry across truncated-BPTT chunks)."""
        out, state = self.rnn(self.embedding(ids), hx)        # out (B, T, H)
        return self.head(self.dropout(out)), state             # (B, T, V)


class Seq2Seq(nn.Module):
    """N→M encoder–decoder: c = encoder h_T; decoder h_0 = c, input_t = [embed(y_{t-1}) ; c]."""

    def __init__(self, src_vocab: int, tgt_vocab: int, embedding_dim: int, hidden_size: int,
                 cell: str = "GRU", pad_index: int = 0):
        super().__init__()
        self.cell = cell
        self.src_embedding = nn.Embedding(src_vocab, embedding_dim, padding_idx=pad_index)
        self.tgt_embedding = nn.Embedding(tgt_vocab, embedding_dim)
        self.encoder = make_rnn(cell, embedding_dim, hidden_size)
        self.decoder = make_rnn(cell, embedding_dim + hidden_size, hidden_size)
        self.head = nn.Linear(hidden_size, tgt_vocab)

    def encode(self, src: torch.Tensor, lengths: torch.Tensor):
        """src (B, S) right-padded -> encoder final state (the context c: (1, B, H), or (h, c) for LSTM)."""
        packed = pack_padded_sequence(self.src_embedding(src), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        _, state = self.encoder(packed)
        return state

    def decoder_inputs(self, tgt_in: torch.Tensor, context_h: torch.Tensor) -> torch.Tensor:
        """tgt_in (B, T) previous tokens, context_h (B, H) -> decoder inputs (B, T, E+H)."""
        emb = self.tgt_embedding(tgt_in)                                     # (B, T, E)
        c = context_h.unsqueeze(1).expand(-1, emb.shape[1], -1)             # (B, T, H)
        return torch.cat([emb, c], dim=-1)                                   # (B, T, E+H)

    def forward(self, src, lengths, tgt_in):
        """Teacher forcing: -> logits (B, T, V_tgt)."""
        state = self.encode(src, lengths)
        context_h = (state[0] if self.cell == "LSTM" else state)[-1]         # (B, H)
        out, _ = self.decoder(self.decoder_inputs(tgt_in, context_h), state)  # (B, T, H)
        return self.head(out)
