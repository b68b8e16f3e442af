"""The four I/O shapes of the lecture notes, run on shipped models (numpy out, for the I/O page).

    next_token_probabilities(lm, tokens)          # N→N: (T, V) float32, row t = p(token t+1 | 0..t)
    generated_tokens(lm, "ROMEO.", 200, 0.8, 0)   # 1→N: (tokens read first, generated tokens)
    translation_arrays(s2s, tokens)               # N→M: output, context c, decoder probabilities
"""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.models.generate import START
from rnnviz.models.model import Model


def next_token_probabilities(model: Model, tokens: list[str]) -> np.ndarray:
    """(T, V) float32: row t is p(token t+1 | tokens 0..t)."""
    with torch.inference_mode():
        return np.asarray(model.predict(list(tokens)), dtype=np.float32)


def generated_tokens(model: Model, prompt: str, n: int, temperature: float, seed: int) -> tuple[list[str], list[str]]:
    """(tokens read first, generated tokens) — seeded, so the same arguments give the same text."""
    with torch.inference_mode():
        text, _ = model.generate(prompt, n_chars=n, temperature=temperature, seed=seed)
    generated = list(text) if model.level == "char" else text.split(" ")
    return (model.tokens(prompt) if prompt else []) or [START], generated


def translation_arrays(model, tokens: list[str]) -> dict:
    """The encoder–decoder's greedy translation: output string and tokens, what the decoder read,
    the context c (H,) and the output probabilities (M, V), as plain values and float32 arrays."""
    with torch.inference_mode():
        d = model.translate(list(tokens))
    return dict(output=d.output, output_tokens=list(d.output_tokens), decoder_inputs=list(d.decoder_inputs),
                context=np.asarray(d.context, dtype=np.float32),
                probabilities=np.asarray(d.probabilities, dtype=np.float32))
