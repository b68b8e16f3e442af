"""The demo models: trained ones shipped in ``assets/models/`` and seeded untrained cells.

    import rnnviz.models as models
    models.available()                    # ['sentiment-lstm', 'shakespeare-gru', ...]
    m = models.load("sentiment-lstm")
    m.trace("not bad at all")             # rnnviz.Trace of the recurrent layer
    m.predict("not bad at all")           # {'negative': 0.2, 'positive': 0.8}
    models.random_model("GRU", bidirectional=True, num_layers=2, hidden_size=8, seed=0)
    lm = models.load("shakespeare-lstm")
    text, tr = lm.generate("ROMEO.", n_chars=200, temperature=0.8, seed=0)   # 1→N
    s2s = models.load("numbers-seq2seq")
    s2s.predict("three hundred and twelve")                                 # '312'  (N→M)
    d = s2s.translate("three hundred and twelve"); d.context, d.decoder_trace

A model is ``embedding -> recurrent module -> head``. Each shipped one is a folder with
``model.safetensors`` (tensors only, never pickle: loading cannot run code), ``config.json``
(architecture, vocabulary, provenance, metrics) and ``card.md``; ``python -m rnnviz.train``
reproduces them. Keys in the safetensors file: ``embedding.weight``, ``rnn.<torch key>``
(``rnn.weight_ih_l0`` ...), ``head.weight``, ``head.bias``.

Tasks and what ``predict`` returns: ``classify`` (N→1) -> {label: p}; ``language-model`` (N→N,
and 1→N through ``generate``) and ``counter`` (N→N, aⁿbⁿ) -> float32 (T, len(vocab)) next-token
probabilities; ``seq2seq`` (N→M) -> the output string (``translate`` gives context c and traces).

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

from rnnviz.models.text import Vocab, clip, tokenize
from rnnviz.core.trace import Trace, cell_kind, trace

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "models"
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
            if self.task in ("language-model", "counter"):
                return torch.softmax(self.head(tr.output), dim=-1).numpy().astype(np.float32)  # (T, V)
        raise NotImplementedError(f"no readout for task {self.task!r}")

    def predict(self, tokens_or_text, force=None):
        """classify -> {label: probability}; language-model / counter -> (T, len(vocab)) next-token
        probabilities (row t: the distribution of token t+1 after reading tokens 0..t)."""
        return self.readout(self.trace(tokens_or_text, force=force))

    def generate(self, prompt: str = "", n_chars: int = 200, temperature: float = 1.0, seed: int = 0):
        """1→N: sample ``n_chars`` tokens after ``prompt`` -> (generated text, Trace over prompt +
        generated tokens). See :func:`rnnviz.generate.generate`."""
        from rnnviz.models.generate import generate

        return generate(self, prompt, n_chars=n_chars, temperature=temperature, seed=seed)

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
    return load_dir(ASSETS / name)


def _linear(tensors: dict, prefix: str) -> nn.Linear:
    w = tensors[prefix + "weight"]                                  # (out, in)
    head = nn.Linear(w.shape[1], w.shape[0], bias=prefix + "bias" in tensors)
    head.load_state_dict({k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)})
    return head


def _rnn(tensors: dict, prefix: str, arch: dict) -> nn.RNNBase:
    module = build_module(arch)
    module.load_state_dict({k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)})
    return module


def load_dir(folder) -> Model:
    """Load a model folder (model.safetensors + config.json [+ card.md]) from anywhere — the
    training command uses it to score exactly what it wrote. Not cached."""
    from safetensors.torch import load_file

    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    tensors = load_file(folder / "model.safetensors")
    card_path = folder / "card.md"
    card = card_path.read_text(encoding="utf-8") if card_path.exists() else ""
    common = dict(task=config["task"], level=config.get("level", "word"), title=config.get("title"),
                  vocab=Vocab.from_json(config["vocab"]) if "vocab" in config else None,
                  labels=config.get("labels"), io_shape=config.get("io_shape"),
                  metrics=config.get("metrics", {}), config=config, card=card)
    if config["task"] == "seq2seq":
        return Seq2SeqModel(
            config["name"], _rnn(tensors, "encoder.", config["architecture"]),
            decoder=_rnn(tensors, "decoder.", config["decoder_architecture"]),
            embedding=nn.Embedding.from_pretrained(tensors["src_embedding.weight"], freeze=True),
            target_embedding=nn.Embedding.from_pretrained(tensors["tgt_embedding.weight"], freeze=True),
            head=_linear(tensors, "head."),
            target_vocab=Vocab.from_json({"unk": None, **config["target_vocab"]}), **common)
    embedding = None
    if "embedding.weight" in tensors:
        embedding = nn.Embedding.from_pretrained(tensors["embedding.weight"], freeze=True)
    head = _linear(tensors, "head.") if "head.weight" in tensors else None
    return Model(config.get("name", folder.name), _rnn(tensors, "rnn.", config["architecture"]),
                 embedding=embedding, head=head, **common)


class Seq2SeqModel(Model):
    """N→M encoder–decoder (rnnviz.seq2seq). ``module`` is the encoder; ``decoder`` the second
    recurrent module, started from the context c = encoder h_T and reading [embed(y_{t-1}) ; c]."""

    def __init__(self, name: str, module: nn.RNNBase, *, decoder: nn.RNNBase,
                 target_embedding: nn.Embedding, target_vocab: Vocab, **kw):
        super().__init__(name, module, **kw)
        self.decoder = decoder.eval().requires_grad_(False)
        self.target_embedding = target_embedding.eval().requires_grad_(False)
        self.target_vocab = target_vocab

    def tokens(self, text: str) -> list[str]:
        from rnnviz.models.seq2seq import source_tokens

        return clip(source_tokens(text))[0]

    # the pieces rnnviz.seq2seq.decode expects (same names as rnnviz.nets.Seq2Seq)
    @property
    def encoder(self) -> nn.RNNBase:
        return self.module

    @property
    def src_embedding(self) -> nn.Embedding:
        return self.embedding

    @property
    def tgt_embedding(self) -> nn.Embedding:
        return self.target_embedding

    def encode(self, src: torch.Tensor, lengths: torch.Tensor):
        """Batched encoder for evaluation: src (B, S) right-padded -> final state (c)."""
        from torch.nn.utils.rnn import pack_padded_sequence

        packed = pack_padded_sequence(self.embedding(src), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        return self.module(packed)[1]

    def decoder_inputs(self, tgt_in: torch.Tensor, context_h: torch.Tensor) -> torch.Tensor:
        emb = self.target_embedding(tgt_in)                              # (B, T, E)
        c = context_h.unsqueeze(1).expand(-1, emb.shape[1], -1)          # (B, T, H)
        return torch.cat([emb, c], dim=-1)                               # (B, T, E+H)

    def translate(self, tokens_or_text):
        """Greedy decoding -> rnnviz.seq2seq.Decoding (output, context c, probabilities, encoder and
        decoder traces)."""
        from rnnviz.models.seq2seq import decode

        tokens = self._as_tokens(tokens_or_text)
        if not tokens:
            raise ValueError("There is nothing to translate: type some number words, e.g. 'forty two'.")
        with torch.no_grad():
            return decode(self, tokens, self.vocab.stoi)

    def predict(self, tokens_or_text, force=None) -> str:
        """The output string (digits). ``force`` is not supported for the two-module model."""
        if force:
            raise ValueError("Forcing gates is not available for the encoder–decoder model.")
        return self.translate(tokens_or_text).output

    def readout(self, tr: Trace):
        raise NotImplementedError("use translate(): the seq2seq output needs the decoder too")


# Display order for the app: grouped by I/O shape, then the five cells in lecture order.
IO_SHAPES = ("N→1", "N→N", "1→N", "N→M")


def catalog() -> list[dict]:
    """One row per shipped model (no weights loaded): name, title, task, io_shape, cell,
    bidirectional, metrics — for listing models grouped by I/O shape. Language models appear under
    N→N; they also serve 1→N (``generate``), flagged by ``"generates": True``."""
    rows = []
    for name in available():
        c = read_config(name)
        rows.append({"name": name, "title": c.get("title", name), "task": c["task"],
                     "io_shape": c.get("io_shape"), "cell": c["architecture"]["cell"],
                     "bidirectional": c["architecture"].get("bidirectional", False),
                     "generates": c["task"] == "language-model", "metrics": c.get("metrics", {})})
    return rows
