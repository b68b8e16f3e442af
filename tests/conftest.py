"""Shared test set-up: the markers by folder, one torch thread, and an AppTest factory for app.py.

The repository root is importable through ``pythonpath = ["."]`` in pyproject.toml. Every test is
marked by its folder: ``browser`` (tests/browser), ``app`` (tests/app), ``unit`` (everything else),
so ``pytest -m "not browser"`` runs the fast part. Browser fixtures (a real ``streamlit run app.py``
and Debian's chromium) are in tests/browser/conftest.py; screenshots go to artifacts/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        parts = Path(str(item.path)).resolve().relative_to(TESTS).parts
        kind = parts[0] if parts[0] in ("browser", "app") else "unit"
        item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """One torch thread, as the app runs (app.py): on a shared 2-core machine a second spinning
    OpenMP thread made the small models 30-100x slower in wall time."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


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
