"""bench/charlm_where_bits_go.py (issue 11's account of the Tempest's bits): every character gets
exactly one class, and the per-character bits average to the card's own stream measure."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from rnnviz import models
from rnnviz.train import charlm, lm_report
from rnnviz.train.common import REPO

spec = importlib.util.spec_from_file_location("where_bits_go", REPO / "bench" / "charlm_where_bits_go.py")
where = importlib.util.module_from_spec(spec)
spec.loader.exec_module(where)


def test_each_character_gets_the_first_matching_class():
    text = "PROSPERO.\n[Enter ARIEL]\nGo, Setebos, go.\n"
    kind = where.classes(text, known_words={"Go", "go", "Enter"})
    assert len(kind) == len(text) - 1  # aligned with the predictions of characters 1 … N−1
    full = np.concatenate([["heading"], kind])
    assert set(full[: len("PROSPERO.\n")]) == {"heading"}
    stage = text.index("[")
    assert set(full[stage: text.index("\n", stage) + 1]) == {"stage"}  # ARIEL inside stays stage
    s = text.index("Setebos")
    assert list(full[s: s + 7]) == ["new word"] * 7 and full[s - 1] == full[s + 7] == "text"
    assert set(full[text.index("Go"): s - 1]) == {"text"}


@pytest.mark.parametrize("name", ["shakespeare-lstm", "shakespeare-gru"])
def test_bits_match_the_cards_stream_measure(name):
    model = models.load(name)
    text = charlm.SHIPPED_TEST.read_text(encoding="ascii")[:3000]
    assert where.bits(model, text).mean() == pytest.approx(lm_report.stream_bits_per_char(model, text), abs=1e-6)
