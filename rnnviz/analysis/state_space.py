"""State space of a trained RNN: reference states, principal components, readout at every state.

The hidden state h_t of a recurrent network is a point in R^H; reading a sentence moves it along a
trajectory. Trained sentiment networks keep most of that motion in very few directions: the top 2–3
principal components of the states explain ~90 % of their variance, and the readout looks along
the same line (Maheswaranathan, Williams, Golub, Ganguli & Sussillo 2019, "Reverse engineering
recurrent networks for sentiment classification reveals line attractor dynamics", NeurIPS).

Here, per direction d of a model (states laid out as in ``rnnviz.analysis.recurrence``):

    reference states  R (N, S): the state after every token of held-out reference sentences
                      (sentiment: tests/data/sentiment_probe.tsv [+ sentiment_minimal_pairs.tsv];
                      characters: chunks of The Tempest, tests/data/shakespeare_tempest.txt;
                      aⁿbⁿ: the strings a^n b^n . for n = 1..20; number words: 271 numbers;
                      a lab model: 40 sequences of its task's held-out set)
    PCA               X ≈ mean + Z V^T from the SVD of R − mean, fitted per quantity (h, or c)
    readout value     one number per state: P(positive) for a sentiment classifier (for a
                      bidirectional one, this direction's half of the head with the other half
                      zero), the next-token entropy in bits for a language model, else None

No streamlit; numpy out.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from rnnviz.analysis.recurrence import StateLayout, layout

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
PROBE = DATA / "sentiment_probe.tsv"
MINIMAL_PAIRS = DATA / "sentiment_minimal_pairs.tsv"
TEMPEST = DATA / "shakespeare_tempest.txt"
TEXT_COLUMNS = ("text", "sentence", "a", "b", "text_a", "text_b", "sentence_a", "sentence_b")
CHUNK_CHARS, N_CHUNKS = 160, 40  # ~6,400 characters of the test play for a character model
ANBN_RANGE = range(1, 21)
NUMBERS = range(1, 10_000, 37)  # 271 numbers in words for the number-words encoder
LAB_SEQUENCES = 40


# --------------------------------------------------------------------------- reference sentences

def _tsv_texts(path: Path) -> list[str]:
    """Every cell of the text-like columns of a TSV with a header (sentence pairs give both)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    columns = [c for c in (rows[0].keys() if rows else []) if c and c.strip().lower() in TEXT_COLUMNS]
    return [row[c].strip() for row in rows for c in columns if row.get(c) and row[c].strip()]


def example_pairs(path: Path = MINIMAL_PAIRS) -> list[tuple[str, str]]:
    """The minimal pairs of a TSV with columns ``pair`` and ``sentence`` (two rows per pair id, in
    file order), e.g. tests/data/sentiment_minimal_pairs.tsv; [] when the file is absent."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    groups: dict[str, list[str]] = {}
    for row in rows:
        if row.get("pair") and (row.get("sentence") or "").strip():
            groups.setdefault(row["pair"], []).append(row["sentence"].strip())
    return [(texts[0], texts[1]) for texts in groups.values() if len(texts) == 2]


def _tempest_chunks() -> list[str]:
    text = TEMPEST.read_text(encoding="utf-8")
    body = text[len(text) // 20:]  # past the title page
    stride = max(CHUNK_CHARS, len(body) // N_CHUNKS)
    return [body[k * stride: k * stride + CHUNK_CHARS] for k in range(N_CHUNKS)]


def _lab_texts(task, count: int = LAB_SEQUENCES) -> list[str]:
    """A lab task's held-out sequences as text (one character per step; padding id 0 dropped)."""
    ids = task.heldout(count).ids.numpy()                                # (T, B)
    return ["".join(task.itos[i] for i in column if i != 0) for column in ids.T]


def reference_texts(model) -> list[str]:
    """Held-out sentences whose states define the model's state space (see module docstring)."""
    if getattr(model, "lab_task", None) is not None:  # a model of the live lab (rnnviz.lab.LabModel)
        return _lab_texts(model.lab_task)
    if getattr(model, "task", None) == "counter" and model.vocab is not None and "a" in model.vocab.stoi:
        return ["a" * n + "b" * n + "." for n in ANBN_RANGE]
    if getattr(model, "task", None) == "seq2seq":
        from rnnviz.models.seq2seq import number_to_words

        return [number_to_words(n) for n in NUMBERS]
    if getattr(model, "level", "word") == "char":
        return _tempest_chunks()
    texts = list(dict.fromkeys(_tsv_texts(PROBE) + _tsv_texts(MINIMAL_PAIRS)))  # unique, in order
    return texts


# --------------------------------------------------------------------------- states and readout

def trajectory(model, tokens) -> list[np.ndarray]:
    """The state after every token, per direction: D arrays (T, S) float32 (row t = position t)."""
    lay = layout(model.module)
    with torch.no_grad():
        tr = model.trace(list(tokens))
    return [lay.from_trace(tr, d) for d in range(2 if model.module.bidirectional else 1)]


@dataclass
class Reference:
    """The reference set of one model: all states and final states per direction, and the texts."""

    texts: list[str]
    lengths: np.ndarray             # (n,) tokens per text
    states: list[np.ndarray]        # D × (N, S): every position of every text
    finals: list[np.ndarray]        # D × (n, S): the state the head reads (forward: last; backward: first)
    layout: StateLayout


def reference(model, texts: list[str] | None = None) -> Reference:
    texts = reference_texts(model) if texts is None else texts
    lay = layout(model.module)
    D = 2 if model.module.bidirectional else 1
    states, finals, lengths, kept = [[] for _ in range(D)], [[] for _ in range(D)], [], []
    for text in texts:
        tokens = model.tokens(text)
        if not tokens:
            continue
        for d, traj in enumerate(trajectory(model, tokens)):
            states[d].append(traj)
            finals[d].append(traj[-1] if d == 0 else traj[0])
        lengths.append(len(tokens))
        kept.append(text)
    if not kept:
        raise ValueError("None of the reference sentences has a token this model can read.")
    return Reference(kept, np.asarray(lengths), [np.concatenate(s) for s in states],
                     [np.stack(f) for f in finals], lay)


def head_matrix(model, direction: int = 0):
    """(W, b) of the model's linear head restricted to the top layer's h of ``direction``
    (W (n_out, P), b (n_out,)), as float64 numpy; None when the model has no linear head."""
    head = getattr(model, "head", None)
    if head is None or not isinstance(head, torch.nn.Linear):
        return None
    lay = layout(model.module)
    W = head.weight.detach().double().numpy()                           # (n_out, D·P)
    b = head.bias.detach().double().numpy() if head.bias is not None else np.zeros(W.shape[0])
    P = lay.output_size
    if W.shape[1] == P * (2 if model.module.bidirectional else 1):
        return W[:, direction * P:(direction + 1) * P], b
    return None


def readout_kind(model) -> str | None:
    """"positive" (P of the positive class), "entropy" (entropy of the per-step softmax, bits),
    "output" (the first output's value: a lab model that regresses, e.g. the flip-flop) or None."""
    task = getattr(model, "task", None)
    if head_matrix(model) is None:
        return None
    if task == "classify":
        return "positive"
    if task in ("language-model", "counter"):
        return "entropy"
    if task == "lab":
        return "entropy" if (getattr(model, "config", None) or {}).get("output_kind") == "classify" else "output"
    return None


def positive_index(model) -> int:
    labels = [str(label).lower() for label in (getattr(model, "labels", None) or [])]
    return labels.index("positive") if "positive" in labels else max(len(labels) - 1, 1)


def readout_values(model, states: np.ndarray, direction: int = 0) -> np.ndarray | None:
    """One readout number per state (N, S) -> (N,) float64, or None (see module docstring)."""
    kind, hm = readout_kind(model), head_matrix(model, direction)
    if kind is None or hm is None or len(states) == 0:
        return None
    W, b = hm
    h = np.asarray(states, dtype=np.float64)[:, layout(model.module).top_h()]   # (N, P)
    logits = h @ W.T + b                                                          # (N, n_out)
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    if kind == "output":
        return h @ W[0] + b[0]
    if kind == "positive":
        return p[:, positive_index(model)]
    return -(p * np.log2(np.clip(p, 1e-300, None))).sum(axis=1)


def readout_direction(model, direction: int = 0) -> np.ndarray | None:
    """The unit vector in state space (S,) along which the readout looks: for two classes the
    logit difference w_positive − w_other, else the head's top right singular vector (on the top
    layer's h; zero on c and lower layers). None without a linear head."""
    hm = head_matrix(model, direction)
    if hm is None:
        return None
    W, _ = hm
    if W.shape[0] == 2:
        k = positive_index(model)
        w = W[k] - W[1 - k]
    else:
        w = np.linalg.svd(W - W.mean(axis=0), full_matrices=False)[2][0]
    lay = layout(model.module)
    v = np.zeros(lay.size)
    v[lay.top_h()] = w
    return v / np.linalg.norm(v)


# --------------------------------------------------------------------------- PCA

@dataclass
class PCA:
    """Principal components of reference states X (N, F): X − mean = U Σ V^T (the SVD in torch,
    float64, on one thread; tests compare with numpy's SVD)."""

    mean: np.ndarray        # (F,)
    components: np.ndarray  # (k, F), rows = principal directions V^T
    variance_ratio: np.ndarray  # (min(N, F),) fraction of the total variance per component

    @classmethod
    def fit(cls, X: np.ndarray, k: int = 3) -> "PCA":
        X = np.asarray(X, dtype=np.float64)
        mean = X.mean(axis=0)
        _, sing, vt = (a.numpy() for a in torch.linalg.svd(torch.from_numpy(X - mean), full_matrices=False))
        var = sing ** 2
        total = var.sum()
        ratio = var / total if total > 0 else np.zeros_like(var)
        return cls(mean, vt[:k], ratio)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(N, F) -> (N, k) coordinates on the principal components."""
        return (np.asarray(X, dtype=np.float64) - self.mean) @ self.components.T

    def dimension(self, fraction: float = 0.9) -> int:
        """How many components explain at least ``fraction`` of the variance."""
        return int(np.searchsorted(np.cumsum(self.variance_ratio), fraction - 1e-12) + 1)


def part(lay: StateLayout, quantity: str) -> slice:
    """The slice of the state holding ``quantity``: "hidden_state" (every layer's h) or
    "cell_state" (every layer's c, LSTM only)."""
    if quantity == "hidden_state":
        return slice(0, lay.h_size)
    if quantity == "cell_state" and lay.cell == "LSTM":
        return slice(lay.h_size, lay.size)
    raise KeyError(f"{lay.cell} has no state part {quantity!r}")


def state_parts(lay: StateLayout) -> tuple[str, ...]:
    return ("hidden_state", "cell_state") if lay.cell == "LSTM" else ("hidden_state",)
