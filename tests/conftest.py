"""Shared test set-up: the repository root importable, and an AppTest factory for app.py.

Browser fixtures (a real ``streamlit run app.py`` and Debian's chromium) are in
tests/browser/conftest.py; screenshots go to artifacts/ (git-ignored).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ARTIFACTS = ROOT / "artifacts"


@pytest.fixture()
def app_test():
    """``app_test(query_params=None) -> AppTest`` of app.py, already run once."""
    from streamlit.testing.v1 import AppTest

    def make(query_params: dict | None = None, timeout: float = 90):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        if query_params:
            at.query_params.update(query_params)
        at.run()
        return at

    return make
