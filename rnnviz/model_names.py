"""The app's own words for a shipped model, in the reader's language: its title, a short name for
the picker, its class labels, its task and its metrics (``locales/*/model_names.json``).

A model's config.json holds English (``title``, ``labels``, metric keys); the catalogue translates
the ones the app ships, keyed by model name, label, task or metric key. Anything the catalogue does
not know — a student's upload, a model added later — is shown as the config has it, so a new model
never breaks a page. No streamlit here: figures use it too.
"""

from __future__ import annotations

from rnnviz.i18n import catalogue, t



def _lookup(key: str, fallback: str) -> str:
    return t(key) if key in catalogue() else fallback


def title(name: str, fallback: str) -> str:
    """The full title (captions): ``sentiment-lstm`` -> "Movie-review sentiment (LSTM)" / "影评情感分类（LSTM）"."""
    return _lookup(f"model_names.title_{name}", fallback)


def short(name: str, fallback: str) -> str:
    """A short name that keeps the cell visible in a narrow sidebar: "Sentiment · Bi-LSTM"."""
    return _lookup(f"model_names.short_{name}", fallback)


def label(text: str) -> str:
    """A class label: "negative" -> "负面"."""
    return _lookup(f"model_names.label_{text}", text)


def task(text: str) -> str:
    return _lookup(f"model_names.task_{text}", text)


def metric(key: str) -> str:
    """A metric's name: "test_accuracy" -> "test accuracy" / "测试准确率"."""
    return _lookup(f"model_names.metric_{key}", key.replace("_", " "))


def separator() -> str:
    return t("model_names.separator")
