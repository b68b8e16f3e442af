"""Everything rnnviz relies on that is Streamlit's implementation, not its documented API — fenced here.

Checked against ``TESTED_WITH`` (the version pinned in requirements.txt); on any other version a
warning is logged at import and ``tests/ui/test_streamlit_internals.py`` fails with one clear message,
so an upgrade is a deliberate step: re-check the three items below, then raise ``TESTED_WITH``.

1. :class:`ReadyFigure` — ``st.plotly_chart`` re-validates a *dict* property by property
   (``plotly.tools.return_figure_from_figure_or_data(..., validate_figure=True)`` -> ``go.Figure(**dict)``,
   ~1-2 ms per heatmap) but trusts a ``BaseFigure`` and only calls its ``to_dict()``, then
   ``plotly.io.to_json(..., validate=False)`` (streamlit/elements/plotly_chart.py). A finished dict
   dressed as a Figure whose ``to_dict()`` returns it unchanged skips both the validation and the copy.
2. :func:`patch_fragment` — a fragment rerun runs only the fragment, in a new script thread, where
   app.py's set-up did not run; the patch wraps ``st.fragment`` once per process so that a hook
   (restoring the session's language) runs before every fragment run. Streamlit keys fragments by
   module and qualified name, which ``functools.wraps`` keeps.
3. ``TESTID`` / ``HIDDEN_INPUTS`` / ``KEY_CLASS`` — the ``data-testid`` attributes and the
   ``st-key-<key>`` class of Streamlit's DOM that lesson mode's CSS selects.
"""

from __future__ import annotations

import functools
import logging
from typing import Callable

import plotly.graph_objects as go
import streamlit as st

TESTED_WITH = "1.67.0"

# 3. Streamlit's DOM (frontend of TESTED_WITH): the parts lesson mode hides or restyles.
TESTID = {
    "sidebar": "stSidebar", "sidebar_collapsed": "stSidebarCollapsedControl",
    "expand_sidebar": "stExpandSidebarButton", "header": "stHeader", "toolbar": "stToolbar",
    "element": "stElementContainer", "main_block": "stMainBlockContainer", "status": "stStatusWidget",
}
MAIN_CLASS = "stMain"  # class of the main area
KEY_CLASS = "st-key-"  # class prefix of an element created with key=<key>
# Inputs lesson mode hides (data-testid of each widget's root element).
HIDDEN_INPUTS = ("stTextInput", "stTextArea", "stSelectbox", "stMultiSelect", "stSlider", "stNumberInput",
                 "stRadio", "stCheckbox", "stSegmentedControl", "stButtonGroup", "stPills", "stDownloadButton",
                 "stFileUploader", "stColorPicker", "stDateInput", "stTimeInput", "stPopover")


def version_ok() -> bool:
    return st.__version__ == TESTED_WITH


if not version_ok():
    logging.getLogger(__name__).warning(
        "rnnviz relies on Streamlit %s internals (ui/streamlit_internals.py) but runs on %s.",
        TESTED_WITH, st.__version__)


# 1. ------------------------------------------------------------------------------------------
class ReadyFigure(go.Figure):
    """A finished figure dict (keys checked by tests/plots/test_heatmaps.py, arrays already
    typed-array JSON) dressed as a Figure, so Streamlit neither re-validates nor copies it."""

    def __init__(self, spec: dict):
        super().__init__()  # an empty figure: ~0.05 ms
        self._ready_spec = spec

    def to_dict(self) -> dict:
        return self._ready_spec

    def to_plotly_json(self) -> dict:
        return self._ready_spec


# 2. ------------------------------------------------------------------------------------------
def patch_fragment(before_each_run: Callable[[], None]) -> None:
    """Wrap ``st.fragment`` (once per process) so ``before_each_run()`` runs before every fragment run."""
    if getattr(st.fragment, "_rnnviz_patched", False):
        return
    original = st.fragment

    @functools.wraps(original)
    def fragment(func=None, **options):
        if func is None:  # @st.fragment(run_every=...)
            return lambda f: fragment(f, **options)

        @functools.wraps(func)
        def with_hook(*args, **kwargs):
            before_each_run()
            return func(*args, **kwargs)

        return original(with_hook, **options)

    fragment._rnnviz_patched = True
    st.fragment = fragment
