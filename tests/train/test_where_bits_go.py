"""bench/charlm_where_bits_go.py (issue 11's account of the Tempest's bits): every character gets
exactly one class, and the per-character bits it sorts average to the card's Tempest number."""
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
def test_per_character_bits_average_to_the_cards_tempest_number(name):
    """The bench sorts lm_report.stream_bits; their mean over the whole held-out play is the number
    the card states (rounded to 4 places), and none is negative."""
    model = models.load(name)
    metrics = model.config["metrics"]
    bits = lm_report.stream_bits(model, charlm.SHIPPED_TEST.read_text(encoding="ascii"))
    assert len(bits) == metrics["test_chars"] - 1 and float(bits.min()) >= 0
    assert float(bits.mean()) == pytest.approx(metrics["test_bits_per_char"], abs=6e-5)
