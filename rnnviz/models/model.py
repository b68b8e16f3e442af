"""A model: embedding -> recurrent ``module`` -> ``head``, with its vocabulary and metadata.

    m = rnnviz.models.load("sentiment-lstm")
    m.steps("not bad at all")          # Steps(tokens=['not', 'bad', 'at', 'all'], total=4)
    tr = m.run(m.tokens("not bad at all"))
    tr.prediction                       # ClassProbabilities({'negative': 0.2, 'positive': 0.8})

Tasks and what ``predict`` returns: ``classify`` (N→1) -> {label: p}; ``language-model`` (N→N,
and 1→N through ``generate``) and ``counter`` (N→N, aⁿbⁿ) -> float32 (T, len(vocab)) next-token
probabilities; ``seq2seq`` (N→M, rnnviz.models.seq2seq.Seq2SeqModel) -> the output string.
``prediction(tr)`` gives the same as a typed value (rnnviz.models.predictions), and ``run`` returns
the trace with it attached, its arrays compact float32: what the app caches.

Loaded models are shared by every user of the app: treat them as read-only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rnnviz.core.trace import Trace, cell_kind, trace
from rnnviz.models.predictions import ClassProbabilities, NextTokens, Prediction
from rnnviz.models.text import Vocab, clip, tokenize


@dataclass(frozen=True)
class Steps:
    """The time steps a model reads from a text: the ``tokens`` kept (at most MAX_TOKENS) and how
    many the text had in ``total``."""

    tokens: list[str]
    total: int

    @property
    def clipped(self) -> bool:
        return self.total > len(self.tokens)


def hashed_embedding(tokens: list[str], dim: int) -> torch.Tensor:
    """A fixed random vector per token (seeded by its hash): the same token, the same vector. (T, dim)"""
    rows = []
    for tok in tokens:
        seed = int.from_bytes(hashlib.blake2b(tok.encode("utf-8"), digest_size=8).digest(), "little")
        rows.append(np.random.default_rng(seed).standard_normal(dim, dtype=np.float32))
    return torch.from_numpy(np.stack(rows)) if rows else torch.zeros(0, dim)


class Model:
    """embedding -> recurrent ``module`` -> ``head``, with the vocabulary and the metadata."""

    def __init__(self, name: str, module: nn.RNNBase, *, task: str, level: str = "word",
                 title: str | None = None, vocab: Vocab | None = None,
                 embedding: nn.Embedding | None = None, head: nn.Module | None = None,
                 labels: list[str] | None = None, io_shape: str | None = None,
                 metrics: dict | None = None, config: dict | None = None, card: str = ""):
        self.name = name
        self.title = title or name
        self.module = module.eval()
        self.task = task
        self.level = level
        self.vocab = vocab
        self.embedding = embedding.eval() if embedding is not None else None
        self.head = head.eval() if head is not None else None
        self.labels = labels
        self.io_shape = io_shape
        self.metrics = metrics or {}
        self.config = config or {}
        self.card = card
        for part in (self.module, self.embedding, self.head):
            if part is not None:
                part.requires_grad_(False)

    # what the recurrent core is
    @property
    def cell(self) -> str:
        return cell_kind(self.module)

    @property
    def bidirectional(self) -> bool:
        return self.module.bidirectional

    @property
    def num_layers(self) -> int:
        return self.module.num_layers

    @property
    def hidden_size(self) -> int:
        return self.module.hidden_size

    @property
    def trained(self) -> bool:
        return self.task != "untrained"

    # text -> steps
    def split(self, text: str) -> list[str]:
        """Every token of ``text``, uncapped (models with their own tokenizer override this)."""
        return tokenize(text, self.level)

    def steps(self, text: str) -> Steps:
        """The steps kept (at most MAX_TOKENS; see :func:`rnnviz.models.text.clip`) and the total."""
        tokens = self.split(text)
        return Steps(clip(tokens)[0], len(tokens))

    def tokens(self, text: str) -> list[str]:
        """The time steps of ``text`` (at most MAX_TOKENS)."""
        return self.steps(text).tokens

    def _as_tokens(self, tokens_or_text) -> list[str]:
        return self.tokens(tokens_or_text) if isinstance(tokens_or_text, str) else list(tokens_or_text)

    def inputs(self, tokens: list[str]) -> torch.Tensor:
        """The vectors x_t the recurrent module reads. (T, input_size)"""
        if self.embedding is None or self.vocab is None:
            return hashed_embedding(tokens, self.module.input_size)
        with torch.no_grad():
            return self.embedding(torch.tensor(self.vocab.encode(tokens), dtype=torch.long))

    def unknown(self, tokens: list[str]) -> list[str]:
        """Tokens the vocabulary does not know (they all share the unknown-token vector)."""
        return [] if self.vocab is None else [t for t in tokens if t not in self.vocab]

    # running it
    def trace(self, tokens_or_text, force=None) -> Trace:
        tokens = self._as_tokens(tokens_or_text)
        if not tokens:
            raise ValueError("There is nothing to run: the text has no tokens.")
        return trace(self.module, self.inputs(tokens), force=force)

    def readout(self, tr: Trace):
        """The model's prediction from a trace (so an ablated trace gives the ablated prediction)."""
        if self.head is None:
            return None
        with torch.no_grad():
            if self.task == "classify":
                D = 2 if self.bidirectional else 1
                features = torch.cat(list(tr.h_n[-D:]), dim=-1)  # (D*P,) top layer's final states
                probs = torch.softmax(self.head(features), dim=-1)
                return {label: float(p) for label, p in zip(self.labels, probs)}
            if self.task in ("language-model", "counter"):
                return torch.softmax(self.head(tr.output), dim=-1).numpy().astype(np.float32)  # (T, V)
        raise NotImplementedError(f"no readout for task {self.task!r}")

    def prediction(self, tr: Trace) -> Prediction | None:
        """:meth:`readout` as a typed value (rnnviz.models.predictions); None without a head."""
        raw = self.readout(tr)
        if raw is None:
            return None
        if self.task == "classify":
            return ClassProbabilities(raw)
        return NextTokens(raw, tuple(self.vocab.itos))

    def run(self, tokens: list[str], force=None) -> Trace:
        """Trace ``tokens`` (optionally forced) with the prediction attached and the arrays made
        compact float32: one picklable value for a cache."""
        with torch.inference_mode():
            tr = self.trace(list(tokens), force=force)
            tr.prediction = self.prediction(tr) if self.trained else None
        return tr.compact()

    def predict(self, tokens_or_text, force=None):
        """classify -> {label: probability}; language-model / counter -> (T, len(vocab)) next-token
        probabilities (row t: the distribution of token t+1 after reading tokens 0..t)."""
        return self.readout(self.trace(tokens_or_text, force=force))

    def generate(self, prompt: str = "", n_chars: int = 200, temperature: float = 1.0, seed: int = 0):
        """1→N: sample ``n_chars`` tokens after ``prompt`` -> (generated text, Trace over prompt +
        generated tokens). See :func:`rnnviz.models.generate.generate`."""
        from rnnviz.models.generate import generate

        return generate(self, prompt, n_chars=n_chars, temperature=temperature, seed=seed)

    def __repr__(self) -> str:
        return f"Model({self.name!r}, {self.cell}, bidirectional={self.bidirectional}, task={self.task!r})"
