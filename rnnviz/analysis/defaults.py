"""First-screen defaults computed from the model, so each page opens on its phenomenon (issue 12).

A default that is a hard-coded unit number or gate breaks the day the model is retrained; these
functions look at what the model actually does with the default input and pick from that:

- ``striking_step_unit``: the Gate Explorer's step and unit. At the step of the first negation
  ("not", "never", "n't" …; else the step where the states change most) every unit gets the score

      score(u) = max_q |q_t[u] − q_{t−1}[u]| / width(q)

  over every quantity q (gates, candidate, cell and hidden state), where width(q) is 1 for a
  quantity inside [0, 1] (σ gates) and 2·max(1, max|q|) otherwise (tanh and unbounded ones), so a
  gate swinging from 0.1 to 0.9 and a state swinging from −0.8 to 0.8 count alike. The unit with
  the largest score is the one whose row visibly changes colour at that column.
- ``flipping_force``: the Ablation page's force. Every forceable quantity of the cell at each of its
  lesion values (σ gates 0 and 1, the others 0), on every unit, at every step or only at the
  negation's step, is tried on the sentence. A force that flips the classifier's decision wins;
  among flips, one at the negation's step ("erase what 'not' wrote"), then the one that moves the
  original class's probability most. Without a flip: the largest move.
- ``best_annotation``: the Neuron view's property. Among the properties a token level supports and
  that vary over the text, the one whose best-correlated unit has the largest |r| (Karpathy,
  Johnson & Fei-Fei 2015, §4.1), preferring the structural ones (quotes, brackets, negation scope)
  that a unit can only track by remembering.

The Tempest passage (``TEMPEST_PASSAGE``) is the Neuron view's reference text for character models:
*The Tempest* I.1 (public domain; the held-out play of the shakespeare-* models, so the models have
never read it), with four bracketed stage directions.
No streamlit here: the pages cache these calls (``st.cache_data``) keyed by the model name and text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from rnnviz import Force
from rnnviz.analysis.annotations import UnitScore, _is_negation, annotate, names_for, rank_units
from rnnviz.quantities import FORCEABLE

# The Tempest, Act I, scene 1 (tests/data/shakespeare_tempest.txt, lines 118–132), line breaks kept.
TEMPEST_PASSAGE = """\
[Exeunt]

[Re-enter BOATSWAIN]

BOATSWAIN.
Down with the topmast! yare! lower, lower!
Bring her to try wi' th' maincourse. [A cry within] A
plague upon this howling! They are louder than the
weather or our office.--

[Re-enter SEBASTIAN, ANTONIO, and GONZALO]

Yet again! What do you here? Shall we give o'er, and
drown? Have you a mind to sink?
"""

# Properties a unit can only follow by remembering something: tried first, in this order.
STRUCTURAL = ("inside_quotes", "inside_brackets", "bracket_depth", "after_negation")
MIN_STEPS = 3  # a property defined on fewer steps says nothing
SHORT = 12  # a sentence this short without a negation: try forcing each of its steps


# --------------------------------------------------------------------------- Gate Explorer

def negation_step(tokens: Sequence[str]) -> int | None:
    """Position of the first negation word, or None."""
    return next((t for t, tok in enumerate(tokens) if _is_negation(tok)), None)


def _width(values: np.ndarray) -> float:
    """1 for a quantity inside [0, 1] (a σ gate); else 2·max(1, max|q|)."""
    if values.size and values.min() >= 0.0 and values.max() <= 1.0:
        return 1.0
    return 2.0 * max(1.0, float(np.abs(values).max()) if values.size else 1.0)


def change_scores(arrays: Mapping[str, np.ndarray], step: int) -> np.ndarray:
    """score(u) = max over quantities of |q_step[u] − q_{step−1}[u]| / width(q). (H,) float64

    arrays: quantity -> (T, H) values of one layer and direction. At step 0 the previous state is 0
    (PyTorch's default h0 / c0), so the change is measured against the quantity's value at step 0
    of an all-zero history: the value itself."""
    scores = None
    for values in arrays.values():
        values = np.asarray(values, dtype=np.float64)  # (T, H)
        before = values[step - 1] if step > 0 else np.zeros_like(values[0])
        delta = np.abs(values[step] - before) / _width(values)  # (H,)
        scores = delta if scores is None else np.maximum(scores, delta[: len(scores)]
                                                         if len(delta) >= len(scores) else
                                                         np.pad(delta, (0, len(scores) - len(delta))))
    return np.zeros(0) if scores is None else scores


def striking_step_unit(arrays: Mapping[str, np.ndarray], tokens: Sequence[str]) -> tuple[int, int]:
    """(step, unit) where something visibly happens: the negation's step (else the step of the
    largest change) and the unit that changes most there."""
    if not tokens or not arrays:
        return 0, 0
    step = negation_step(tokens)
    if step is None:  # no negation: the step where the states move most (summed over units)
        totals = [change_scores(arrays, t).sum() for t in range(len(tokens))]
        step = int(np.argmax(totals))
    scores = change_scores(arrays, step)
    return int(step), int(np.argmax(scores)) if scores.size else 0


# --------------------------------------------------------------------------- Ablation

@dataclass(frozen=True)
class ForceChoice:
    """The chosen lesion and what it does: the decision before and after, and p(original class).
    ``step`` is the one position forced, or None for every step."""

    name: str
    value: float
    step: int | None
    flips: bool
    before: str
    after: str
    p_before: float
    p_after: float


def lesion_values(name: str) -> tuple[float, ...]:
    """σ gates: shut (0) and wide open (1); candidates and states: 0."""
    return (0.0, 1.0) if name.endswith("_gate") else (0.0,)


def flipping_force(model, tokens: Sequence[str]) -> ForceChoice | None:
    """The force that flips a classifier's decision on ``tokens`` (every unit; at one step, or at
    every step). Preference: a flip; then a force at the negation's step (the lesson "the model
    did not read 'not'"), then at one step, then the largest move of p(original class).

    None when the model is not a classifier (nothing to flip) or the sentence is empty."""
    if getattr(model, "task", None) != "classify" or not tokens:
        return None
    tokens = list(tokens)
    negation = negation_step(tokens)
    # every step at once, and the negation's step (without one: each step of a short sentence)
    singles = [negation] if negation is not None else list(range(len(tokens))) if len(tokens) <= SHORT else []
    candidates = [None] + singles
    with torch.inference_mode():
        before = model.readout(model.trace(tokens))
        label = max(before, key=before.get)
        best = None
        for name in FORCEABLE[model.cell]:
            for value in lesion_values(name):
                for step in candidates:
                    steps = None if step is None else (step,)
                    after = model.readout(model.trace(tokens, force=[Force(name, value, steps=steps)]))
                    decision = max(after, key=after.get)
                    choice = ForceChoice(name, value, step, decision != label, label, decision,
                                         before[label], after[label])
                    rank = (choice.flips, step is not None and step == negation, step is not None,
                            before[label] - after[label])
                    if best is None or rank > best[0]:
                        best = (rank, choice)
    return best[1]


# --------------------------------------------------------------------------- Neuron view

def best_annotation(arrays: Mapping[tuple[int, int], np.ndarray], tokens: Sequence[str], level: str,
                    preferred: Sequence[str] = STRUCTURAL) -> tuple[str, UnitScore] | None:
    """(property, its best unit): the structural property whose best unit tracks it most closely;
    any property when no structural one varies over the text. None when none varies.

    arrays: (layer, direction) -> (T, H) values of the quantity shown."""
    available = names_for(level)
    ordered = [n for n in preferred if n in available] + [n for n in available if n not in preferred]
    found: list[tuple[bool, float, str, UnitScore]] = []
    for name in ordered:
        values = annotate(name, tokens, level)
        defined = values[~np.isnan(values)]
        if defined.size < MIN_STEPS or np.ptp(defined) == 0:
            continue
        try:
            top = rank_units(arrays, values, top=1)[0]
        except ValueError:
            continue
        found.append((name in preferred, abs(top.r), name, top))
    if not found:
        return None
    _, _, name, top = max(found, key=lambda f: (f[0], f[1]))
    return name, top
