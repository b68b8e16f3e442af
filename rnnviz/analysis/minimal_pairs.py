"""Minimal pairs, state patching and clamping: what one word changes, where it is kept. No streamlit.

Two sentences one or two tokens apart ("the film was good" / "the film was not good") are aligned
token by token (``difflib``: equal tokens and same-length replacements pair up; an inserted word
has no partner). Then, per aligned pair (i in A, j in B):

    Δ_q(i, j) = q^B_j − q^A_i          for every gate and state q (the difference heatmaps)
    d(i, j)   = ‖h^A_i − h^B_j‖         how far apart the two hidden states are

After the last differing token both sentences read the same words, so d measures how long the
network remembers the difference. Fitting d_k ≈ d_0 · 2^(−k / t½) (least squares on log d over the
k = 0, 1, … steps after the change) gives its half-life t½ in steps; a line attractor keeps the
difference (t½ → ∞), a forgetting network does not (cf. Maheswaranathan & Sussillo 2020, "How
recurrent networks implement contextual processing in sentiment analysis", ICML).

State patching (a causal test, as in "activation patching"): run A, but at aligned step i replace
A's state by B's state at j, and continue A's recurrence from it with PyTorch's own kernel
(``rnnviz.analysis.recurrence.run_from``). If the prediction flips to B's, everything that made B
different was in that state at that step.

Clamping: hold one unit of h at a value at every step (``rnnviz.trace(..., force=[Force(...)])``,
exact: everything downstream is recomputed; for h at every step, the same recurrence with PyTorch's
fused one-step kernels, ``recurrence.clamped_run``) and read the prediction again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import torch

from rnnviz.analysis import state_space
from rnnviz.analysis.recurrence import clamped_run, finals_from, layout, run_from
from rnnviz.core.trace import Force


def align(tokens_a, tokens_b) -> list[tuple[int, int]]:
    """Aligned positions (i, j): equal tokens and same-length replacements, in order."""
    matcher = difflib.SequenceMatcher(a=list(tokens_a), b=list(tokens_b), autojunk=False)
    pairs = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and a1 - a0 == b1 - b0):
            pairs += list(zip(range(a0, a1), range(b0, b1)))
    return pairs


def final_output(model, finals: list[np.ndarray]) -> np.ndarray | None:
    """The model's output from the final state of each direction (forward: after the last token,
    backward: after the first): class probabilities for a classifier, the next-token distribution
    after the last token for a language model, the values of a regression head (lab flip-flop).
    None without a linear head. (n_out,) float64."""
    outputs = final_outputs(model, [np.asarray(f)[None] for f in finals])
    return None if outputs is None else outputs[0]


def final_outputs(model, finals: list[np.ndarray]) -> np.ndarray | None:
    """``final_output`` for K states at once: ``finals`` per direction (K, S) -> (K, n_out) float64."""
    head = getattr(model, "head", None)
    kind = state_space.readout_kind(model)
    if not isinstance(head, torch.nn.Linear) or kind is None:
        return None
    lay = layout(model.module)
    features = np.concatenate([np.asarray(f, dtype=np.float32)[:, lay.top_h()] for f in finals], axis=1)
    with torch.no_grad():
        y = head(torch.from_numpy(features))                              # (K, n_out)
        if kind == "output":                                              # values (a lab flip-flop)
            return y.double().numpy()
        return torch.softmax(y, dim=-1).double().numpy()


def readout_scalar(model, probs: np.ndarray | None) -> float | None:
    """P(positive) for a classifier, entropy (bits) of the next-token distribution otherwise."""
    if probs is None:
        return None
    return float(readout_scalars(model, np.asarray(probs)[None])[0])


def readout_scalars(model, probs: np.ndarray) -> np.ndarray:
    """``readout_scalar`` of each row of ``probs`` (K, n_out) -> (K,) float64."""
    kind = state_space.readout_kind(model)
    if kind == "output":  # a regression head: its first value
        return probs[:, 0].astype(np.float64)
    if kind == "positive":
        return probs[:, state_space.positive_index(model)].astype(np.float64)
    p = np.clip(probs, 1e-300, None)
    return -(probs * np.log2(p)).sum(axis=1)


def finals_of(states: list[np.ndarray]) -> list[np.ndarray]:
    return [s[-1] if d == 0 else s[0] for d, s in enumerate(states)]


# --------------------------------------------------------------------------- the pair

@dataclass
class Pair:
    tokens_a: list[str]
    tokens_b: list[str]
    pairs: list[tuple[int, int]]
    states_a: list[np.ndarray]     # D × (T_a, S)
    states_b: list[np.ndarray]     # D × (T_b, S)
    distance: list[np.ndarray]     # D × (K,) ‖h^A_i − h^B_j‖ over aligned pairs
    differences: dict              # (quantity, layer, direction) -> (K, H) B − A
    output_a: np.ndarray | None
    output_b: np.ndarray | None
    h_size: int                    # the h part of the state (every layer's h)


def minimal_pair(model, tokens_a, tokens_b, traces=None) -> Pair:
    """The pair's states, alignment, distances and differences. ``traces``: ``model.trace`` of A
    and of B when the caller has them (a page that keeps B while A is typed): not traced again."""
    tokens_a, tokens_b = list(tokens_a), list(tokens_b)
    if not tokens_a or not tokens_b:
        raise ValueError("Both sentences need at least one token.")
    lay = layout(model.module)
    if traces is None:
        with torch.no_grad():
            traces = model.trace(tokens_a), model.trace(tokens_b)
    tr_a, tr_b = traces
    D = tr_a.num_directions
    states_a = [lay.from_trace(tr_a, d) for d in range(D)]
    states_b = [lay.from_trace(tr_b, d) for d in range(D)]
    pairs = align(tokens_a, tokens_b)
    ia = np.array([i for i, _ in pairs], dtype=int)
    jb = np.array([j for _, j in pairs], dtype=int)
    h = slice(0, lay.h_size)
    distance = [np.linalg.norm(states_a[d][ia][:, h].astype(np.float64) - states_b[d][jb][:, h], axis=1)
                for d in range(D)]
    differences = {(q, layer, d): tr_b.get(q, layer, d)[jb] - tr_a.get(q, layer, d)[ia]
                   for q in tr_a.quantities for layer in range(tr_a.num_layers) for d in range(D)}
    return Pair(tokens_a, tokens_b, pairs, states_a, states_b, distance, differences,
                final_output(model, finals_of(states_a)), final_output(model, finals_of(states_b)), lay.h_size)


@dataclass
class HalfLife:
    steps: np.ndarray      # (n,) steps after the change, 0, 1, ...
    distance: np.ndarray   # (n,) the distances fitted
    half_life: float       # steps (inf: the difference does not shrink)
    d0: float              # fitted distance at step 0
    positions: np.ndarray  # (n,) A's positions of those steps

    def curve(self) -> np.ndarray:
        return self.d0 * 2.0 ** (-self.steps / self.half_life)


def common_ends(tokens_a, tokens_b) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix (not overlapping the prefix)."""
    n = min(len(tokens_a), len(tokens_b))
    prefix = next((k for k in range(n) if tokens_a[k] != tokens_b[k]), n)
    suffix = next((k for k in range(n - prefix) if tokens_a[-1 - k] != tokens_b[-1 - k]), n - prefix)
    return prefix, suffix


def half_life(pair: Pair, direction: int = 0) -> HalfLife | None:
    """Fit d_k = d_0 · 2^(−k/t½) over the steps after the change: forward, the common suffix (k = 0
    after its first token); backward, the common prefix read from its end towards the start. None
    if fewer than two such steps have d > 0 (add words after the change)."""
    prefix, suffix = common_ends(pair.tokens_a, pair.tokens_b)
    T_a, T_b = len(pair.tokens_a), len(pair.tokens_b)
    if direction == 0:
        ia, jb = np.arange(T_a - suffix, T_a), np.arange(T_b - suffix, T_b)
    else:
        ia = jb = np.arange(prefix - 1, -1, -1)
    a = pair.states_a[direction][ia][:, :pair.h_size].astype(np.float64)
    b = pair.states_b[direction][jb][:, :pair.h_size].astype(np.float64)
    dist = np.linalg.norm(a - b, axis=1)
    if len(dist) < 2 or np.any(dist <= 1e-12):
        return None
    ks = np.arange(len(dist), dtype=np.float64)
    slope, intercept = np.polyfit(ks, np.log(dist), 1)
    t_half = np.inf if slope >= 0 else float(np.log(2) / -slope)
    return HalfLife(ks, dist, t_half, float(np.exp(intercept)), ia)


# --------------------------------------------------------------------------- patching and clamping

def patched_states(model, pair: Pair, k: int, direction: int = 0) -> list[np.ndarray]:
    """A's states per direction with direction ``direction``'s state at aligned pair k replaced by
    B's and A's recurrence continued from it (exact: PyTorch's kernel). The other direction is A's."""
    i, j = pair.pairs[k]
    states = [s.copy() for s in pair.states_a]
    s_b = pair.states_b[direction][j]
    states[direction][i] = s_b
    x = model.inputs(pair.tokens_a)                                   # (T, In)
    if direction == 0 and i + 1 < len(pair.tokens_a):
        states[0][i + 1:] = run_from(model.module, x[i + 1:], s_b, 0)
    elif direction == 1 and i > 0:
        states[1][:i] = run_from(model.module, x[:i].flip(0), s_b, 1)[::-1]
    return states


def patch_curve(model, pair: Pair, direction: int = 0) -> np.ndarray | None:
    """The readout (P(positive) / entropy) of A's output when patched at each aligned pair, (K,):
    the final states of ``patched_states`` for every k, continued in one packed batch
    (``recurrence.finals_from``) rather than one run per k."""
    finals_a = finals_of(pair.states_a)
    if final_output(model, finals_a) is None:
        return None
    x = model.inputs(pair.tokens_a)                                   # (T, In)
    # direction 0 continues after position i; direction 1 reads positions i-1 … 0
    runs = [x[i + 1:] if direction == 0 else x[:i].flip(0) for i, _ in pair.pairs]
    starts = np.stack([pair.states_b[direction][j] for _, j in pair.pairs])
    patched = finals_from(model.module, runs, starts, direction)      # (K, S)
    finals = [patched if d == direction else np.repeat(final[None], len(patched), axis=0)
              for d, final in enumerate(finals_a)]
    return readout_scalars(model, final_outputs(model, finals))


@dataclass
class Clamp:
    states: list[np.ndarray]        # D × (T, S) with the unit held
    output: np.ndarray | None       # the model's output then
    output_original: np.ndarray | None
    original: list[np.ndarray]      # D × (T, S) as the model runs by itself


def clamp(model, tokens, unit: int, value: float, direction: int | None = None,
          steps=None, quantity: str = "hidden_state", original_states: list[np.ndarray] | None = None) -> Clamp:
    """Hold ``quantity``[unit] at ``value`` (every step unless ``steps``; both directions unless
    ``direction``) and recompute everything downstream (``rnnviz.trace`` with a Force).
    ``original_states``: the states of ``tokens`` as the model runs by itself (D × (T, S), e.g. a
    minimal pair's ``states_a``), when the caller has them: then they are not traced again."""
    tokens = list(tokens)
    lay = layout(model.module)
    with torch.no_grad():
        if original_states is None:
            original = model.trace(tokens)
            original_states = [lay.from_trace(original, d) for d in range(original.num_directions)]
        before = list(original_states)
        states = None
        if quantity == "hidden_state" and steps is None:  # the page's case: fused kernels, ~6× faster
            x = model.inputs(tokens)
            states = [before[d] if direction not in (None, d) else clamped_run(model.module, x, int(unit), float(value), d)
                      for d in range(len(before))]
        if states is None or any(s is None for s in states):
            held = model.trace(tokens, force=[Force(quantity, float(value), units=[int(unit)],
                                                    steps=None if steps is None else list(steps),
                                                    direction=direction)])
            states = [lay.from_trace(held, d) for d in range(held.num_directions)]
    return Clamp(states, final_output(model, finals_of(states)), final_output(model, finals_of(before)), before)
