"""Every shipped model speaks the reader's language: title, short picker name, class labels, task and
metric names (rnnviz.model_names over locales/*/model_names.json), and unknown ones fall back."""

from __future__ import annotations

import re

import pytest

from rnnviz import model_names, models
from rnnviz.i18n import set_language

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture()
def chinese():
    set_language("zh")
    yield
    set_language("en")


@pytest.mark.parametrize("name", models.available())
def test_shipped_model_has_chinese_words(name, chinese):
    config = models.read_config(name)
    assert CJK.search(model_names.title(name, config["title"])), name
    assert CJK.search(model_names.short(name, config["title"])), name
    assert CJK.search(model_names.task(config["task"])), config["task"]
    for label in config.get("labels") or []:
        assert CJK.search(model_names.label(label)), label
    shown = [k for k, v in (config.get("metrics") or {}).items() if isinstance(v, (int, float))
             and not isinstance(v, bool) and not k.endswith(("_size", "_chars", "_seed", "_count"))][:3]
    for key in shown:
        assert CJK.search(model_names.metric(key)), key


def test_short_names_are_distinct_and_short():
    shorts = [model_names.short(n, n) for n in models.available()]
    assert len(set(shorts)) == len(shorts)
    assert max(map(len, shorts)) <= 30, shorts  # plus "N→1 · " it still fits the sidebar's select


def test_unknown_words_fall_back_to_the_config(chinese):
    assert model_names.title("upload-0123456789ab", "my model") == "my model"
    assert model_names.label("neutral") == "neutral"
    assert model_names.metric("test_f1_score") == "test f1 score"
