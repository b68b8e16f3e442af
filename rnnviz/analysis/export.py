"""Activations out of the app: a Trace as CSV (one row per step, unit) or NPZ (one array per quantity).

CSV is for spreadsheets and classroom handouts: long format, one line per
(quantity, layer, direction, position, token, unit, value), so any pivot is one step away.
NPZ is for notebooks: ``np.load(f)["forget_gate/l0/d1"]`` is the (T, H) array, with the tokens
under ``"tokens"``. Token text is data here, never formatting: the CSV writer quotes it, and a
leading ``= + - @`` is prefixed with ``'`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from rnnviz.core.trace import Trace

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(token: str) -> str:
    return "'" + token if token.startswith(_FORMULA_START) else token


def _entries(tr: Trace):
    for name in tr.quantities:
        for layer in range(tr.num_layers):
            for d in range(tr.num_directions):
                yield name, layer, d, tr.get(name, layer, d)


def trace_to_csv(tr: Trace, tokens: list[str]) -> bytes:
    """UTF-8 CSV (with BOM so spreadsheet programs read CJK correctly) of every value in the trace."""
    if tr.batched:
        raise ValueError("CSV export takes an unbatched trace.")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["quantity", "layer", "direction", "position", "token", "unit", "value"])
    for name, layer, d, a in _entries(tr):
        direction = "forward" if d == 0 else "backward"
        for t in range(a.shape[0]):
            tok = _cell_text(tokens[t]) if t < len(tokens) else ""
            for u in range(a.shape[1]):
                w.writerow([name, layer, direction, t, tok, u, f"{a[t, u]:.9g}"])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def trace_to_npz(tr: Trace, tokens: list[str]) -> bytes:
    """Compressed NPZ: ``"<quantity>/l<layer>/d<direction>"`` -> float32 (T, H), plus ``"tokens"``."""
    arrays = {f"{name}/l{layer}/d{d}": a for name, layer, d, a in _entries(tr)}
    arrays["tokens"] = np.array(tokens, dtype=str)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()
