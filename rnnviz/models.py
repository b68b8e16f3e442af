"""The demo models: trained ones shipped in ``assets/models/`` and seeded untrained cells.

    import rnnviz.models as models
    models.available()                    # ['sentiment-lstm', 'shakespeare-gru', ...]
    m = models.load("sentiment-lstm")
    m.trace("not bad at all")             # rnnviz.Trace of the recurrent layer
    m.predict("not bad at all")           # {'negative': 0.2, 'positive': 0.8}
    models.random_model("GRU", bidirectional=True, num_layers=2, hidden_size=8, seed=0)

A model is ``embedding -> recurrent module -> head``. Each shipped one is a folder with
``model.safetensors`` (tensors only, never pickle: loading cannot run code), ``config.json``
(architecture, vocabulary, provenance, metrics) and ``card.md``; ``python -m rnnviz.train``
reproduces them. Keys in the safetensors file: ``embedding.weight``, ``rnn.<torch key>``
(``rnn.weight_ih_l0`` ...), ``head.weight``, ``head.bias``.

Loaded models are shared by every user of the app: treat them as read-only.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from rnnviz.text import Vocab, clip, tokenize
from rnnviz.trace import Trace, cell_kind, trace

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "models"
CELLS = ("RNN", "LSTM", "GRU")
# The five cells of the lecture notes, as (torch cell, bidirectional).
CELL_CHOICES = {"RNN": ("RNN", False), "LSTM": ("LSTM", False), "Bi-LSTM": ("LSTM", True),
                "GRU": ("GRU", False), "Bi-GRU": ("GRU", True)}


def build_module(arch: dict) -> nn.RNNBase:
    """A torch recurrent module from a config's ``architecture`` block."""
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[arch["cell"]]
    kw = dict(input_size=arch["input_size"], hidden_size=arch["hidden_size"],
              num_layers=arch.get("num_layers", 1), bias=arch.get("bias", True),
              bidirectional=arch.get("bidirectional", False), dropout=arch.get("dropout", 0.0))
    if arch["cell"] == "LSTM" and arch.get("proj_size", 0):
        kw["proj_size"] = arch["proj_size"]
    if arch["cell"] == "RNN":
        kw["nonlinearity"] = arch.get("nonlinearity", "tanh")
    return cls(**kw)


def architecture(module: nn.RNNBase) -> dict:
    """The ``architecture`` block describing ``module`` (inverse of :func:`build_module`)."""
    return {"cell": cell_kind(module), "input_size": module.input_size, "hidden_size": module.hidden_size,
            "num_layers": module.num_layers, "bidirectional": module.bidirectional, "bias": module.bias,
            "proj_size": getattr(module, "proj_size", 0), "dropout": module.dropout,
            "nonlinearity": getattr(module, "nonlinearity", "tanh")}


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
    def tokens(self, text: str) -> list[str]:
        """The time steps of ``text`` (at most MAX_TOKENS; see :func:`rnnviz.text.clip`)."""
        return clip(tokenize(text, self.level))[0]

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
            if self.task == "language-model":
                return torch.softmax(self.head(tr.output), dim=-1).numpy().astype(np.float32)  # (T, V)
        raise NotImplementedError(f"no readout for task {self.task!r}")

    def predict(self, tokens_or_text, force=None):
        """classify -> {label: probability}; language-model -> (T, len(vocab)) next-token probabilities."""
        return self.readout(self.trace(tokens_or_text, force=force))

    def __repr__(self) -> str:
        return f"Model({self.name!r}, {self.cell}, bidirectional={self.bidirectional}, task={self.task!r})"


def random_model(cell: str = "LSTM", bidirectional: bool = False, num_layers: int = 1,
                 hidden_size: int = 16, seed: int = 0, level: str = "word",
                 embedding_dim: int = 16) -> Model:
    """An untrained cell with seeded random weights (PyTorch's default init) and hashed embeddings."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}.")
    arch = {"cell": cell, "input_size": embedding_dim, "hidden_size": hidden_size,
            "num_layers": num_layers, "bidirectional": bidirectional}
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        module = build_module(arch)
    finally:
        torch.random.set_rng_state(gen_state)  # don't disturb anyone else's random stream
    name = f"untrained-{'bi' if bidirectional else ''}{cell.lower()}"
    return Model(name, module, task="untrained", level=level, title=f"Untrained {cell} (random)",
                 config={"architecture": architecture(module), "seed": seed})


def available() -> list[str]:
    """Names of the shipped models (folders of assets/models with a config.json), sorted."""
    if not ASSETS.is_dir():
        return []
    return sorted(p.parent.name for p in ASSETS.glob("*/config.json"))


def read_config(name: str) -> dict:
    return json.loads((ASSETS / name / "config.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def load(name: str) -> Model:
    """Load a shipped model (cached; the same object every call — do not mutate it)."""
    if name not in available():
        raise ValueError(f"No shipped model named {name!r}. Available: {', '.join(available()) or 'none'}.")
    from safetensors.torch import load_file

    folder = ASSETS / name
    config = read_config(name)
    tensors = load_file(folder / "model.safetensors")
    module = build_module(config["architecture"])
    module.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("rnn.")})
    embedding = None
    if "embedding.weight" in tensors:
        embedding = nn.Embedding.from_pretrained(tensors["embedding.weight"], freeze=True)
    head = None
    if "head.weight" in tensors:
        w = tensors["head.weight"]
        head = nn.Linear(w.shape[1], w.shape[0], bias="head.bias" in tensors)
        head.load_state_dict({k[5:]: v for k, v in tensors.items() if k.startswith("head.")})
    vocab = Vocab.from_json(config["vocab"]) if "vocab" in config else None
    card_path = folder / "card.md"
    return Model(name, module, task=config["task"], level=config.get("level", "word"),
                 title=config.get("title"), vocab=vocab, embedding=embedding, head=head,
                 labels=config.get("labels"), io_shape=config.get("io_shape"),
                 metrics=config.get("metrics", {}), config=config,
                 card=card_path.read_text(encoding="utf-8") if card_path.exists() else "")
