"""Finished figure dicts: what ``go.Figure(...).to_dict()`` would send, written without building a Figure.

Building a ``go.Figure`` (or ``make_subplots``) validates every property against Plotly's schema, and
``st.plotly_chart`` then deep-copies it (``to_dict``) and converts its numpy arrays to base64: 5–50 ms
per figure on every rerun (bench/bench_app.py, bench/profile_page.py). A builder that writes the dict
itself and passes it through :func:`finished` sends the same JSON for ~0.1 ms; ``ui.charts.show``
hands a dict to Streamlit as it is (``ui.streamlit_internals.ReadyFigure``). The keys are validated
once, by the builders' tests (``go.Figure(spec)`` with validation on), not on every rerun.

Numbers travel as plotly.js typed arrays, exactly as ``Figure.to_dict()`` encodes a numpy array
(``_plotly_utils.utils.to_typed_array_spec``, plotly 6+):

    {"dtype": "f4" | "f8" | "i1" | … , "bdata": base64(little-endian bytes), "shape": "rows, cols"}

(``shape`` only for two or more dimensions; int64 / uint64 narrowed to the smallest type that holds
the values, as plotly does). Other numpy arrays (strings, booleans) become lists.

Subplots: :func:`subplot_layout` is ``make_subplots(...)``'s own layout (axis domains, anchors,
subplot-title annotations), computed by Plotly once per distinct grid and copied afterwards, so the
positions are Plotly's to the digit; :func:`merge` is ``update_layout`` / ``update_xaxes`` on dicts.
"""

from __future__ import annotations

import base64
import copy
import functools

import numpy as np

# numpy dtype -> plotly.js typed-array name (plotly's plotlyjsShortTypes)
SHORT = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
         "float32": "f4", "float64": "f8"}
SKIPPED_KEYS = ("geojson", "layer", "layers", "range")  # keys plotly never encodes


def _narrowed(values: np.ndarray) -> np.ndarray | None:
    """int64 / uint64 as the smallest integer type holding the values (None: none does)."""
    lo, hi = int(values.min()), int(values.max())
    kinds = ("int8", "int16", "int32") if values.dtype.kind == "i" else ("uint8", "uint16", "uint32")
    for kind in kinds:
        info = np.iinfo(kind)
        if info.min <= lo and hi <= info.max:
            return values.astype(kind)
    return None


def typed_array(values: np.ndarray):
    """A numpy array as plotly.js's typed-array JSON (the module docstring), or a list when plotly
    would not encode it (strings, booleans, 64-bit integers out of range, empty)."""
    values = np.asarray(values)
    if values.size and values.dtype.name in ("int64", "uint64"):
        narrowed = _narrowed(values)
        values = values if narrowed is None else narrowed
    if values.size == 0 or values.dtype.name not in SHORT:
        return values.tolist()
    values = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
    spec = {"dtype": SHORT[values.dtype.name], "bdata": base64.b64encode(values.tobytes()).decode("ascii")}
    if values.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in values.shape)
    return spec


def _plain(obj):
    """A value under a key plotly does not encode: numpy arrays as lists, the rest as it is."""
    return obj.tolist() if isinstance(obj, np.ndarray) else obj


def _encode(obj):
    if isinstance(obj, dict):
        return {k: (_plain(v) if k in SKIPPED_KEYS else _encode(v)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if all(type(v) in (str, int, float) for v in obj):  # tick texts, labels: nothing to encode
            return list(obj)
        return [_encode(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return typed_array(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def finished(data: list[dict], layout: dict) -> dict:
    """``{"data": …, "layout": …}`` with every numpy array encoded (a new dict; the inputs are not
    changed), ready for ``ui.charts.show``."""
    return {"data": _encode(data), "layout": _encode(layout)}


# What go.Figure expands ``template="none"`` to: no styling of Plotly's own, Streamlit's theme applies.
TEMPLATE_NONE = {"data": {"scatter": [{"type": "scatter"}]}}


@functools.lru_cache(maxsize=128)
def _grid(rows: int, cols: int, options: tuple) -> dict:
    from plotly.subplots import make_subplots  # only on a grid's first use

    kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in options}
    layout = make_subplots(rows=rows, cols=cols, **kwargs).to_dict()["layout"]
    layout.pop("template", None)
    return layout


def subplot_layout(rows: int, cols: int, **options) -> dict:
    """``make_subplots(rows, cols, **options)``'s layout as a new dict (no template): axes ``xaxis``,
    ``xaxis2`` … with Plotly's domains, and the subplot titles as annotations. Lists in ``options``
    (row_heights, subplot_titles …) may be given as lists or tuples."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
    return copy.deepcopy(_grid(rows, cols, key))


def axes(row: int, col: int, cols: int) -> tuple[str, str]:
    """The (x, y) axis ids of subplot (row, col) in a grid of ``cols`` columns: ("x", "y"),
    ("x2", "y2") …; the layout keys are "xaxis" + the number."""
    n = (row - 1) * cols + col
    suffix = "" if n == 1 else str(n)
    return "x" + suffix, "y" + suffix


def axis_key(axis_id: str) -> str:
    """"x2" -> "xaxis2", "y" -> "yaxis"."""
    return axis_id[0] + "axis" + axis_id[1:]


def merge(target: dict, updates: dict) -> dict:
    """Nested dicts of ``updates`` merged into ``target`` (in place), other values replaced: what
    ``fig.update_layout`` / ``update_xaxes`` do to a figure's properties. Returns ``target``."""
    for key, value in updates.items():
        if value is None:  # Plotly: None unsets a property
            target.pop(key, None)
        elif isinstance(value, dict):  # a copy: a caller's dict (a palette constant) is never aliased
            merge(_into(target, key), value)
        else:
            target[key] = value
    return target


def _into(target: dict, key: str) -> dict:
    if not isinstance(target.get(key), dict):
        target[key] = {}
    return target[key]
