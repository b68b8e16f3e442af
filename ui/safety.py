"""No traceback ever reaches the page: any exception becomes a friendly ``st.error``.

Streamlit's own control flow (``st.rerun``, ``st.stop``, page switches) raises subclasses of
``BaseException``, not ``Exception``, so catching ``Exception`` here never swallows them. The full
traceback still goes to the server log for the developer.
"""

from __future__ import annotations

import contextlib
import functools
import logging

import streamlit as st

from rnnviz.i18n import t

log = logging.getLogger("rnnviz.app")
MAX_DETAIL_CHARS = 300


def show_error(exc: BaseException) -> None:
    """A friendly message, plus the exception's one-line summary as plain text (never markup)."""
    log.exception("rnnviz page failed", exc_info=exc)
    st.error(t("app.error"), icon=":material/error:")
    detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > MAX_DETAIL_CHARS:
        detail = detail[: MAX_DETAIL_CHARS - 1] + "…"
    with st.expander(t("app.error_detail")):
        st.text(detail)


@contextlib.contextmanager
def friendly_errors():
    """``with friendly_errors(): ...`` — the block stops at the first error, the page goes on."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the whole point: nothing escapes to the page
        show_error(exc)


def safe(fn):
    """Decorator form of :func:`friendly_errors` for page functions."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with friendly_errors():
            return fn(*args, **kwargs)

    return wrapper
