"""Cached state-space analyses for the State space page (Streamlit caching around rnnviz.analysis).

- ``space(choice)``: per model, computed once and shared (``st.cache_resource``, read-only): the
  reference states, their principal components per direction and state part (h; c for an LSTM),
  the fixed points of each direction and the expected-vs-observed rows. ~0.3–2 s of CPU per
  direction the first time (bench/bench_dynamics.py), then free.
- ``pair(choice, tokens_a, tokens_b)``: per pair of sentences, what the first screen draws (their
  states and readouts); ``patching(choice, pair)`` and ``held(choice, tokens, unit, value, direction)``:
  only for the sections a learner opens. ``st.cache_data`` (numpy only, pickled).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from rnnviz.analysis import dynamics, expected_vs_observed, minimal_pairs, state_space
from rnnviz.analysis.recurrence import StateLayout, layout
from ui import models

COMPONENTS = 3
LAB_TASKS = ("flipflop", "anbn")  # the lab's runs this page offers (issue 14)


@dataclass(frozen=True)
class LabChoice:
    """A shipped run of the live lab (``rnnviz.lab``), as a hashable cache key."""

    run: str

    @property
    def trained(self) -> bool:
        return True


def lab_runs() -> list[str]:
    """Names of the lab's shipped flip-flop and aⁿbⁿ runs ([] when the lab is not installed)."""
    try:
        from rnnviz.lab import shipped_runs
    except ImportError:
        return []
    return [r["name"] for r in shipped_runs() if any(task in r["name"] for task in LAB_TASKS)]


@st.cache_resource(max_entries=16, show_spinner=False)
def _lab_model(choice: LabChoice):
    from rnnviz.lab import load_run

    return load_run(choice.run).model


def get_model(choice):
    """The model of a picker choice (``ui.models``) or of a lab run."""
    return _lab_model(choice) if isinstance(choice, LabChoice) else models.get_model(choice)


def tokens_for(choice, text: str, model=None) -> tuple[list[str], int]:
    """The tokens the model reads (capped) and how many there were. ``model``: ``get_model(choice)``
    when the caller has it (every cached lookup costs Streamlit a signature inspection and a hash)."""
    model = get_model(choice) if model is None else model
    if isinstance(choice, LabChoice):
        tokens = model.tokens(text)
        return tokens, len(tokens)
    steps = model.steps(text)  # as ui.models.tokens_for
    return steps.tokens, steps.total


@dataclass
class Space:
    layout: StateLayout
    directions: int
    lengths: np.ndarray
    pca: dict                      # (direction, part) -> state_space.PCA with 3 components
    cloud: dict                    # (direction, part) -> (n, 3) coordinates of the reference finals (or a sample)
    cloud_values: dict             # direction -> (n,) readout of those states, or None
    fixed: list                    # per direction: dynamics.FixedPoints
    fixed_coords: dict             # (direction, part) -> (K, 3)
    observed: list                 # expected_vs_observed.Observed per direction
    readout_kind: str | None
    n_outputs: int                 # outputs of the head (the entropy's ceiling is log2 of it)
    output_name: str               # the first output's name (a regression head is coloured by it)


CLOUD_MAX = 600


def _key(choice, *parts) -> str:
    """One string per choice (and sentences) for Streamlit's cache key: hashing the dataclass and
    40-token tuples piece by piece costs ~1–3 ms per call (``ui.models.cache_key``)."""
    return models.cache_key(("lab", choice.run) if isinstance(choice, LabChoice) else choice.key(), *parts)


def space(choice) -> Space:
    """The model's reference PCA, cloud, fixed points and expected-vs-observed rows (cached per model)."""
    return _space(_key(choice), choice)


@st.cache_resource(max_entries=16, show_spinner=False)
def _space(key: str, _choice) -> Space:
    """``key``: ``_key(choice)``; ``_choice`` is not hashed (leading underscore)."""
    model = get_model(_choice)
    lay = layout(model.module)  # raises UnsupportedModel for a multi-layer bidirectional model
    with torch.no_grad():
        ref = state_space.reference(model)
    fixed = []
    for d, states in enumerate(ref.states):
        fixed.append(dynamics.fixed_points(model, direction=d, reference_states=states))
    pca, cloud, cloud_values, fixed_coords = {}, {}, {}, {}
    rng = np.random.default_rng(0)
    for d, states in enumerate(ref.states):
        # the faint cloud: where sentences end for a classifier; a sample of all states otherwise
        shown = ref.finals[d] if state_space.readout_kind(model) == "positive" else \
            states[rng.choice(len(states), size=min(CLOUD_MAX, len(states)), replace=False)]
        cloud_values[d] = state_space.readout_values(model, shown, d)
        for part in state_space.state_parts(lay):
            cut = state_space.part(lay, part)
            p = state_space.PCA.fit(states[:, cut], k=COMPONENTS)
            pca[(d, part)] = p
            cloud[(d, part)] = p.transform(shown[:, cut])
            fixed_coords[(d, part)] = p.transform(fixed[d].points[:, cut]) if len(fixed[d]) else np.zeros((0, COMPONENTS))
    observed = expected_vs_observed.observe(model, ref, fixed)
    head = getattr(model, "head", None)
    labels = getattr(model, "labels", None) or [""]
    return Space(lay, len(ref.states), ref.lengths, pca, cloud, cloud_values, fixed, fixed_coords, observed,
                 state_space.readout_kind(model), int(getattr(head, "out_features", 0) or 0), str(labels[0]))


@dataclass
class PairView:
    """What the first screen needs of two sentences: their states (``result``), the readout at
    every step of each (per direction) and each sentence's prediction."""

    result: minimal_pairs.Pair
    values_a: list                 # per direction: (T_a,) readout at every step, or None
    values_b: list
    scalar_a: float | None         # the readout of A's output (P(positive) / entropy / value)
    scalar_b: float | None


def pair(choice, tokens_a: tuple[str, ...], tokens_b: tuple[str, ...], model) -> PairView:
    """The minimal pair's states and readouts (numpy only); ``model`` = ``get_model(choice)``. The
    half-life fit and the patching curve are not here: they are built only when their section is
    opened (``patching``)."""
    return _pair(_key(choice, tokens_a, tokens_b), (choice, tokens_a, tokens_b, model))


@st.cache_data(max_entries=64, show_spinner=False)
def _pair(key: str, _inputs: tuple) -> PairView:
    """``key``: ``_key(choice, tokens_a, tokens_b)``; ``_inputs`` = (choice, tokens_a, tokens_b, model),
    not hashed (one argument: Streamlit inspects the signature once per argument on every call)."""
    choice, tokens_a, tokens_b, model = _inputs
    traces = trace(choice, tokens_a, model), trace(choice, tokens_b, model)  # B, kept while A is typed: traced once
    with torch.no_grad():
        result = minimal_pairs.minimal_pair(model, tokens_a, tokens_b, traces=traces)
        values_a = [state_space.readout_values(model, s, d) for d, s in enumerate(result.states_a)]
        values_b = [state_space.readout_values(model, s, d) for d, s in enumerate(result.states_b)]
        return PairView(result, values_a, values_b, minimal_pairs.readout_scalar(model, result.output_a),
                        minimal_pairs.readout_scalar(model, result.output_b))


def trace(choice, tokens: tuple[str, ...], model):
    """``model.trace(tokens)`` (``rnnviz.Trace``; ``model`` = ``get_model(choice)``), shared and
    read-only: typing A does not trace the unchanged B again."""
    return _trace(_key(choice, tokens), (model, tokens))


@st.cache_resource(max_entries=32, show_spinner=False)
def _trace(key: str, _inputs: tuple):
    """``key``: ``_key(choice, tokens)``; ``_inputs`` = (model, tokens), not hashed."""
    model, tokens = _inputs
    with torch.no_grad():
        return model.trace(list(tokens))


def patching(choice, view: PairView) -> list:
    """The patching curve of the pair per direction (``minimal_pairs.patch_curve``; None without
    a readout): one packed batch per direction, cached per model and pair."""
    result = view.result
    return _patching(_key(choice, tuple(result.tokens_a), tuple(result.tokens_b)), (choice, result))


@st.cache_data(max_entries=64, show_spinner=False)
def _patching(key: str, _inputs: tuple) -> list:
    """``key``: ``_key(choice, tokens_a, tokens_b)``; ``_inputs`` = (choice, the pair), not hashed."""
    choice, result = _inputs
    model = get_model(choice)
    with torch.no_grad():
        return [minimal_pairs.patch_curve(model, result, d) for d in range(len(result.states_a))]


def held(choice, tokens: tuple[str, ...], unit: int, value: float, direction: int | None, original=None):
    """One unit of h held at ``value`` at every step: the states and the model's output then.
    ``original``: the states of ``tokens`` as the model runs by itself (the minimal pair's A), if
    known: one trace fewer."""
    return _held(_key(choice, tokens, unit, value, direction), (choice, tokens, unit, value, direction, original))


@st.cache_data(max_entries=64, show_spinner=False)
def _held(key: str, _inputs: tuple):
    """``key``: ``_key(choice, tokens, unit, value, direction)``; ``_inputs`` = (choice, tokens, unit,
    value, direction, original), not hashed (``original`` follows from the choice and the tokens)."""
    choice, tokens, unit, value, direction, original = _inputs
    model = get_model(choice)
    result = minimal_pairs.clamp(model, tokens, unit, value, direction=direction, original_states=original)
    return (result, minimal_pairs.readout_scalar(model, result.output),
            minimal_pairs.readout_scalar(model, result.output_original))


@st.cache_data(max_entries=1, show_spinner=False)
def example_pairs() -> list[tuple[str, str]]:
    return state_space.example_pairs()
