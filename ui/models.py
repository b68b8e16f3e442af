"""Model choice (sidebar), cached models and cached traces, shared by every page.

Caching (DESIGN.md §6): models are ``st.cache_resource`` — one read-only object shared by all
sessions and threads, run under ``torch.inference_mode``; a sentence's trace is
``st.cache_data(max_entries=…)`` keyed by plain values (the choice tuple and the tokens) and
returns numpy arrays only, because cache_data pickles what it stores.

Trained models (``rnnviz.models.available()``) appear in the picker by themselves, grouped by I/O
shape with their recorded metrics; the default is ``sentiment-lstm`` when it is shipped, else the
untrained (seeded random) cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rnnviz import Trace, model_names, models
from rnnviz.i18n import get_language, in_language, t
from rnnviz.models.text import LEVELS
from ui import params, user_model

UNTRAINED = "untrained"
UPLOAD_PREFIX = "upload-"  # rnnviz.models.upload names a student's model "upload-<sha256[:12]>"
PREFERRED_DEFAULT = "sentiment-lstm"
IO_ORDER = ("N→1", "N→N", "1→N", "N→M")
CELL_CHOICES = tuple(models.CELL_CHOICES)  # RNN, LSTM, Bi-LSTM, GRU, Bi-GRU
LAYER_RANGE = (1, 3)
HIDDEN_SIZES = (2, 4, 8, 16, 32, 64, 128)
SEED_RANGE = (0, 9999)
DEFAULTS = dict(cell="LSTM", layers=1, hidden=16, seed=0, level="word")
LEVEL_LABEL_KEYS = {"word": "controls.level_word", "char": "controls.level_char"}


@dataclass(frozen=True)
class Choice:
    """What to run, as plain values (hashable; the cache key). ``name`` is a model or UNTRAINED."""

    name: str = UNTRAINED
    cell: str = DEFAULTS["cell"]
    layers: int = DEFAULTS["layers"]
    hidden: int = DEFAULTS["hidden"]
    seed: int = DEFAULTS["seed"]
    level: str = DEFAULTS["level"]

    @property
    def trained(self) -> bool:
        return self.name != UNTRAINED

    def key(self) -> tuple:
        return (self.name, self.cell, self.layers, self.hidden, self.seed, self.level)


@st.cache_resource(ttl=600, show_spinner=False)
def shipped_models() -> list[dict]:
    """Name, title, task, I/O shape and metrics of each shipped model, from config.json only."""
    rows = []
    for name in models.available():
        try:
            config = models.read_config(name)
        except (OSError, ValueError):  # a half-written asset folder must not break the picker
            continue
        rows.append(dict(name=name, title=config.get("title") or name, task=config.get("task", ""),
                         io_shape=config.get("io_shape") or "", metrics=config.get("metrics") or {}))
    rank = {shape: i for i, shape in enumerate(IO_ORDER)}
    return sorted(rows, key=lambda r: (rank.get(r["io_shape"], len(IO_ORDER)), r["name"]))


def format_metrics(metrics: dict) -> str:
    """``{"test_accuracy": 0.7781, "test_size": 1005}`` -> ``test accuracy 77.8%`` (sizes and
    nested entries left out; at most three)."""
    parts = []
    for key, value in metrics.items():
        if (not isinstance(value, (int, float)) or isinstance(value, bool)
                or key.endswith(("_size", "_chars", "_seed", "_count"))):
            continue
        name = model_names.metric(key)
        parts.append(f"{name} {100 * value:.1f}%" if "accuracy" in key and 0 <= value <= 1 else f"{name} {value:.3g}")
    return model_names.separator().join(parts[:3])


def get_model(choice: Choice) -> models.Model:
    """The chosen model: this session's upload (ui.user_model), else a cached shipped/untrained one."""
    if choice.name.startswith(UPLOAD_PREFIX):
        model = user_model.current()
        if model is None or model.name != choice.name:  # another session's, or removed
            raise ValueError(t("controls.upload_gone"))
        return model
    return _cached_model(cache_key(choice.key()), choice)


def cache_key(*parts) -> str:
    """One string for Streamlit's cache key. Streamlit hashes a dataclass or a tuple of 40 tokens
    element by element (~1-3 ms each, several times per rerun: bench/profile_page.py); a single
    string is one md5 update. repr keeps types and boundaries apart ("a b" vs ("a", "b"))."""
    return repr(parts)


@st.cache_resource(max_entries=32, show_spinner=False)
def _cached_model(key: str, _choice: Choice) -> models.Model:
    """``key``: ``cache_key(choice.key())``; ``_choice`` is not hashed (leading underscore)."""
    choice = _choice
    if choice.trained:
        return models.load(choice.name)
    torch_cell, bidirectional = models.CELL_CHOICES[choice.cell]
    return models.random_model(torch_cell, bidirectional=bidirectional, num_layers=choice.layers,
                               hidden_size=choice.hidden, seed=choice.seed, level=choice.level)


def run_model(choice: Choice, tokens: tuple[str, ...]) -> Trace:
    """Trace ``tokens`` through the chosen model (cached: same choice + same tokens = no work): the
    one picklable ``rnnviz.Trace``, with the model's typed prediction in ``.prediction``."""
    return _cached_run(cache_key(choice.key(), tuple(tokens)), choice, tuple(tokens))


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_run(key: str, _choice: Choice, _tokens: tuple[str, ...]) -> Trace:
    """``key``: ``cache_key(choice.key(), tokens)``; the others are not hashed (leading underscore)."""
    return get_model(_choice).run(list(_tokens))


def default_model_name() -> str:
    names = [row["name"] for row in shipped_models()]
    return PREFERRED_DEFAULT if PREFERRED_DEFAULT in names else UNTRAINED


def model_picker(container=None, default: str | None = None) -> Choice:
    """Sidebar controls: the model, and for the untrained cell its kind, size, seed and tokens.

    default: this page's first model when the URL and the session have none (if it is shipped)."""
    box = container or st.sidebar
    rows = {row["name"]: row for row in shipped_models()}
    uploaded = user_model.current()  # this session's own upload only (content-hash name)
    options = [UNTRAINED] + list(rows) + ([uploaded.name] if uploaded is not None else [])

    lang = get_language()  # captured: AppTest formats the options outside this script run

    def label(name: str) -> str:
        with in_language(lang):
            if name == UNTRAINED:
                return t("controls.untrained")
            if uploaded is not None and name == uploaded.name:
                return t("controls.uploaded", source=uploaded.config["source"])
            row = rows[name]
            shape = f"{row['io_shape']} · " if row["io_shape"] else ""
            # short and distinct (the cell stays visible in a narrow sidebar); metrics go in the caption
            return f"{shape}{model_names.short(name, row['title'])}"

    with box:
        first = default if default in rows else default_model_name()
        name = params.bound(st.selectbox, t("controls.model"), key="model", default=first,
                            parse=params.choice(options), options=options, format_func=label,
                            help=t("controls.model_help"))
        if name != UNTRAINED:
            return Choice(name=name)
        cell = params.bound(st.selectbox, t("controls.cell"), key="cell", default=DEFAULTS["cell"],
                            parse=params.choice(CELL_CHOICES), options=list(CELL_CHOICES),
                            help=t("controls.cell_help"))
        layers = params.bound(st.slider, t("controls.layers"), key="layers", default=DEFAULTS["layers"],
                              parse=params.integer(*LAYER_RANGE), min_value=LAYER_RANGE[0],
                              max_value=LAYER_RANGE[1])
        hidden = params.bound(st.select_slider, t("controls.hidden"), key="hidden",
                              default=DEFAULTS["hidden"], parse=lambda raw: _member(int(raw), HIDDEN_SIZES),
                              options=list(HIDDEN_SIZES))
        seed = params.bound(st.number_input, t("controls.seed"), key="seed", default=DEFAULTS["seed"],
                            parse=params.integer(*SEED_RANGE), min_value=SEED_RANGE[0],
                            max_value=SEED_RANGE[1], step=1, help=t("controls.seed_help"))
        level = params.bound(st.radio, t("controls.level"), key="level", default=DEFAULTS["level"],
                             parse=params.choice(LEVELS), options=list(LEVELS),
                             format_func=lambda lv: t(LEVEL_LABEL_KEYS[lv]), horizontal=True)
    return Choice(name=UNTRAINED, cell=cell, layers=int(layers), hidden=int(hidden), seed=int(seed), level=level)


def _member(value, allowed):
    if value not in allowed:
        raise ValueError(value)
    return value


def tokens_for(choice: Choice, text: str) -> tuple[list[str], int]:
    """The time steps the chosen model sees, capped at MAX_TOKENS, and how many there were."""
    steps = get_model(choice).steps(text)
    return steps.tokens, steps.total


def unknown_positions(choice: Choice, tokens: list[str]) -> set[int]:
    """Positions of tokens the model's vocabulary lacks (empty for the untrained cell)."""
    if not choice.trained:
        return set()
    vocab = get_model(choice).vocab
    return set() if vocab is None else {i for i, tok in enumerate(tokens) if tok not in vocab}
