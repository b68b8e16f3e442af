"""1→N: let a trained language model write, one sampled token at a time.

    text, tr = generate(model, "ROMEO.", n_chars=200, temperature=0.8, seed=0)

Karpathy, "The Unreasonable Effectiveness of Recurrent Neural Networks" (2015): read the prompt,
then repeat — p = softmax(W h_t / τ + b/τ), sample x_{t+1} ~ p, feed it back as the next input.
The temperature τ flattens (τ > 1) or sharpens (τ < 1) the distribution; τ = 0 means greedy
argmax. A seeded ``torch.Generator`` makes the sample reproducible.

The returned Trace is ``rnnviz.trace`` over prompt + generated tokens (every token the cell read
or wrote, in order), so row ``len(prompt_tokens) - 1 + k`` is the state that emitted generated
token k. Its hidden states equal the ones used while sampling (same module, same inputs).
"""
from __future__ import annotations

import torch

from rnnviz.models.text import MAX_TOKENS
from rnnviz.core.trace import Trace, trace

START = "\n"  # an empty prompt starts from a line break, as a play's new speech does


@torch.no_grad()
def generate(model, prompt: str = "", n_chars: int = 200, temperature: float = 1.0,
             seed: int = 0) -> tuple[str, Trace]:
    """-> (generated text without the prompt, Trace over prompt tokens + generated tokens)."""
    if model.task not in ("language-model", "counter") or model.head is None or model.vocab is None:
        raise ValueError(f"{model.name} is not a trained language model: it cannot generate.")
    if not isinstance(n_chars, int) or n_chars < 1:
        raise ValueError("n_chars must be a positive whole number.")
    if not temperature >= 0:
        raise ValueError("temperature must be ≥ 0 (0 = always the most likely token).")
    tokens = model.tokens(prompt) if prompt else []
    if not tokens:
        tokens = [START] if START in model.vocab else [model.vocab.itos[-1]]
    n_chars = min(n_chars, MAX_TOKENS - len(tokens))
    if n_chars < 1:
        raise ValueError(f"The prompt is too long to continue (at most {MAX_TOKENS} tokens in all).")
    gen = torch.Generator().manual_seed(seed)
    unk = model.vocab.stoi.get(model.vocab.unk) if model.vocab.unk is not None else None

    out, state = model.module(model.inputs(tokens))                  # (T, H), unbatched
    h = out[-1]                                                      # (H,)
    generated: list[str] = []
    for _ in range(n_chars):
        logits = model.head(h)                                       # (V,)
        if unk is not None:
            logits[unk] = -float("inf")                              # never write "<unk>"
        if temperature == 0:
            idx = int(logits.argmax())
        else:
            probs = torch.softmax(logits / temperature, dim=-1)
            idx = int(torch.multinomial(probs, 1, generator=gen))
        tok = model.vocab.itos[idx]
        generated.append(tok)
        out, state = model.module(model.inputs([tok]), state)        # (1, H)
        h = out[-1]
    text = "".join(generated) if model.level == "char" else " ".join(generated)
    return text, trace(model.module, model.inputs(tokens + generated))
