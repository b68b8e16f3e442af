"""What is not visible costs nothing (issue 16): a closed expander's content is not built, so it is
not in the page the server sends (the AppTest tree); opened, it is there, and it stays open when the
step moves. The token chips stay one element that escapes markup (tests/app/test_gate_explorer.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rnnviz import quantities
from rnnviz.i18n import t

# step and unit pinned: the page would otherwise pick its own striking default (issue 12)
UNTRAINED_LSTM = {"model": "untrained", "cell": "LSTM", "sentence": "the cat sat on the mat", "step": "0", "unit": "0"}


def expander_labels(at) -> list[str]:
    return [e.label for e in at.expander]


def test_closed_expanders_send_no_content(app_test):
    at = app_test(UNTRAINED_LSTM)
    assert not at.exception and not at.error
    labels = expander_labels(at)
    assert t("gate_explorer.readout", position=0, unit=0) in labels
    assert t("gate_explorer.equations_title", cell="LSTM") in labels
    assert not at.dataframe  # the exact-values table: not built while closed
    assert not at.get("latex")  # the equations: not built while closed
    assert len(at.get("plotly_chart")) == 6  # the heatmaps are drawn as before


def test_opened_expanders_show_their_content_and_stay_open(app_test):
    at = app_test(UNTRAINED_LSTM)
    at.session_state["gx_readout"] = True  # what the browser sends when the learner opens them
    at.session_state["gx_equations"] = True
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert len(table) == 6  # one row per LSTM quantity
    latex = [e.proto.body for e in at.get("latex")]
    assert len(latex) == len(quantities.EQUATIONS["LSTM"])
    assert all(line in body for line, body in zip(quantities.EQUATIONS["LSTM"], latex))
    at.select_slider(key="step").set_value(3).run()  # the label names the step: still open
    assert not at.exception
    assert t("gate_explorer.readout", position=3, unit=0) in expander_labels(at)
    assert len(at.dataframe) == 1 and len(at.get("latex")) == len(quantities.EQUATIONS["LSTM"])


def build_probe():
    import streamlit as st

    from ui import lazy

    def build():
        st.session_state["built"] = st.session_state.get("built", 0) + 1
        st.markdown("inside")

    st.session_state["is_open"] = lazy.expander("Details", build, key="details")


def test_lazy_expander_builds_only_while_open():
    at = AppTest.from_function(build_probe)
    at.run()
    assert at.session_state["is_open"] is False
    assert "built" not in at.session_state and not at.markdown
    at.session_state["details"] = True
    at.run()
    assert at.session_state["is_open"] is True and at.session_state["built"] == 1
    assert [m.value for m in at.markdown] == ["inside"]


def test_lazy_expander_closes_on_the_first_click_after_opening():
    """Closing right after opening (the run the opening click started) closes it: the widget keeps
    its identity (``expanded=`` is part of it in Streamlit, so the remembered state is not passed
    there: the closing click went to a widget that no longer existed and was lost)."""
    at = AppTest.from_function(build_probe)
    at.run()
    at.session_state["details"] = True
    at.run()
    at.session_state["details"] = False
    at.run()
    assert at.session_state["is_open"] is False and not at.markdown and at.session_state["built"] == 1
    at.session_state["details"] = True
    at.run()
    assert at.session_state["is_open"] is True and at.session_state["built"] == 2


def linked_probe():
    import streamlit as st

    from ui import lazy

    st.session_state["is_open"] = lazy.linked_expander(
        "Details", lambda: st.markdown(st.query_params.get("detail_value", "-")), key="details", name="details",
        controls=("detail_value",))


def test_linked_expander_follows_and_sets_the_url():
    at = AppTest.from_function(linked_probe)
    at.run()
    assert at.session_state["is_open"] is False and "open" not in at.query_params and not at.markdown
    at.session_state["details"] = True  # opened: the URL says so
    at.run()
    assert at.query_params["open"] == "details" and [m.value for m in at.markdown] == ["-"]
    at = AppTest.from_function(linked_probe)  # a link that sets a control of the section opens it
    at.query_params["detail_value"] = "5"
    at.run()
    assert at.session_state["is_open"] is True and at.query_params["open"] == "details"
    assert [m.value for m in at.markdown] == ["5"]
    at.session_state["details"] = False  # closed: its controls and its name leave the URL
    at.run()
    assert not at.markdown and "open" not in at.query_params and "detail_value" not in at.query_params
    at = AppTest.from_function(linked_probe)
    at.query_params["open"] = "other,details"
    at.run()
    assert at.session_state["is_open"] is True and at.query_params["open"] == "other,details"
