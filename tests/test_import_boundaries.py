"""The house's walls: rnnviz never imports streamlit; pages never import torch; compute and draw
never share a file (plotly only in rnnviz/plots, torch never there)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, anywhere in the file (not in strings)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_importing_every_rnnviz_module_loads_no_streamlit():
    script = (
        "import importlib, pkgutil, sys, rnnviz\n"
        "names = [m.name for m in pkgutil.walk_packages(rnnviz.__path__, 'rnnviz.')\n"
        "         if not m.name.endswith('__main__')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "assert len(names) > 30, names\n"
        "bad = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))\n"
        "assert not bad, bad[:5]\n"
        "print(len(names))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("path", files("rnnviz"), ids=lambda p: str(p.relative_to(ROOT)))
def test_rnnviz_source_never_imports_streamlit(path):
    assert not any(m.split(".")[0] == "streamlit" for m in imported_modules(path))


@pytest.mark.parametrize("path", files("views"), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_never_import_torch(path):
    assert not any(m.split(".")[0] == "torch" or m.endswith(".torch") for m in imported_modules(path))


@pytest.mark.parametrize("path", files("rnnviz"), ids=lambda p: str(p.relative_to(ROOT)))
def test_compute_and_draw_never_share_a_file(path):
    top = {m.split(".")[0] for m in imported_modules(path)}
    if path.parent.name == "plots":
        assert "torch" not in top, "a Plotly builder takes arrays, it does not compute with torch"
    else:
        assert "plotly" not in top, "figures belong in rnnviz/plots"
