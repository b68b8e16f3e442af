"""A sentiment model's verdict on a sentence: (label, probability), in one place for every chapter."""

from __future__ import annotations

import torch


def probabilities(model, tokens) -> dict[str, float]:
    """{label: probability} of a classifier on ``tokens``."""
    with torch.inference_mode():
        prediction = model.predict(list(tokens))
    probs = getattr(prediction, "probabilities", prediction)  # a typed prediction or a plain dict
    return {str(label): float(p) for label, p in dict(probs).items()}


def verdict(model, tokens) -> tuple[str, float]:
    """The most probable label and its probability."""
    probs = probabilities(model, tokens)
    label = max(probs, key=probs.get)
    return label, probs[label]
