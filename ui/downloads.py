"""Download buttons for activations (CSV for spreadsheets, NPZ for notebooks), built lazily.

``st.download_button`` accepts a callable for ``data``: it runs only when the learner clicks, on a
separate thread, so a long trace is never serialised on every rerun. ``on_click="ignore"`` keeps
the click from rerunning the page. The callables must not touch streamlit (they run off-script).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import numpy as np
import streamlit as st

from rnnviz.analysis.export import trace_to_csv, trace_to_npz
from rnnviz.i18n import t


def file_stem(*parts: str) -> str:
    """A safe file name from model names, cells, …: letters, digits, '-' and '_' only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", "_".join(p for p in parts if p)).strip("-") or "rnnviz"


def trace_buttons(make_trace: Callable[[], object], tokens: list[str], stem: str, key: str) -> None:
    """Two buttons: every gate and state of ``make_trace()`` as CSV and as NPZ (rnnviz.analysis.export)."""
    tokens = list(tokens)
    left, right = st.columns(2)
    left.download_button(t("downloads.csv"), data=lambda: trace_to_csv(make_trace(), tokens),
                         file_name=f"{file_stem(stem)}.csv", mime="text/csv", key=f"{key}-csv",
                         on_click="ignore", icon=":material/table:", width="stretch")
    right.download_button(t("downloads.npz"), data=lambda: trace_to_npz(make_trace(), tokens),
                          file_name=f"{file_stem(stem)}.npz", mime="application/octet-stream",
                          key=f"{key}-npz", on_click="ignore", icon=":material/data_array:", width="stretch")


def arrays_npz(arrays: dict[str, np.ndarray]) -> bytes:
    """Compressed NPZ of named arrays."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **{k: np.asarray(v) for k, v in arrays.items()})
    return buf.getvalue()
