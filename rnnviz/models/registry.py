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
import json
from pathlib import Path

import torch
from torch import nn

from rnnviz.core.trace import cell_kind
from rnnviz.models.model import Model
from rnnviz.models.seq2seq import Seq2SeqModel
from rnnviz.models.text import Vocab

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
