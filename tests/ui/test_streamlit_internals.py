"""ui/streamlit_internals.py: the Streamlit internals rnnviz relies on still hold on this Streamlit.

After a Streamlit upgrade the first test fails with one clear message: re-check the items listed in
ui/streamlit_internals.py (the others here say which one broke), then raise TESTED_WITH.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import plotly.tools
import streamlit as st

from ui import streamlit_internals as internals

ROOT = Path(__file__).resolve().parents[2]
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"
# Older Streamlit names kept in lesson mode's CSS; they select nothing on TESTED_WITH (harmless).
LEGACY_TESTIDS = {"stSidebarCollapsedControl", "stPills", "stSegmentedControl"}


def test_streamlit_is_the_version_whose_internals_were_checked():
    pinned = re.search(r"^streamlit==(\S+)", (ROOT / "requirements.txt").read_text(), flags=re.M).group(1)
    assert internals.TESTED_WITH == pinned, "requirements.txt pins another Streamlit than TESTED_WITH"
    assert st.__version__ == internals.TESTED_WITH, (
        f"Streamlit {st.__version__} is installed; ui/streamlit_internals.py was checked against "
        f"{internals.TESTED_WITH}. Re-check ReadyFigure, patch_fragment and the data-testids there.")
    assert internals.version_ok()


def test_plotly_chart_trusts_a_figure_and_sends_its_to_dict():
    spec = {"data": [{"type": "heatmap", "z": [[1, 2]]}], "layout": {"title": {"text": "x"}}}
    ready = internals.ReadyFigure(spec)
    # a BaseFigure is not re-validated: its to_dict() (the spec itself) is what Streamlit serialises
    assert plotly.tools.return_figure_from_figure_or_data(ready, validate_figure=True) is spec
    source = inspect.getsource(__import__("streamlit.elements.plotly_chart", fromlist=["x"]))
    assert "return_figure_from_figure_or_data(" in source and "to_json(figure, validate=False)" in source


def test_fragment_patch_runs_the_hook_before_each_run_and_keeps_identity(monkeypatch):
    calls = []

    def fake_fragment(func=None, **options):
        return func

    monkeypatch.setattr(st, "fragment", fake_fragment)
    internals.patch_fragment(lambda: calls.append("hook"))
    internals.patch_fragment(lambda: calls.append("twice"))  # once per process: no double wrap

    @st.fragment
    def body(x):
        calls.append(x)
        return x * 2

    @st.fragment(run_every=None)
    def other():
        return "ok"

    assert body(3) == 6 and calls == ["hook", 3]
    assert body.__name__ == "body" and body.__qualname__.endswith("body")  # Streamlit keys fragments by these
    assert other() == "ok" and calls[-1] == "hook"


def test_lesson_mode_selects_testids_that_exist_in_this_streamlit():
    bundle = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in STATIC_JS.glob("*.js"))
    wanted = set(internals.TESTID.values()) | set(internals.HIDDEN_INPUTS)
    missing = sorted(name for name in wanted - LEGACY_TESTIDS if name not in bundle)
    assert not missing, f"data-testid(s) gone from Streamlit {st.__version__}'s frontend: {missing}"
    assert internals.KEY_CLASS in bundle and internals.MAIN_CLASS in bundle
