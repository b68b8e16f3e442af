"""N→M numbers-seq2seq: English number words -> digits with a GRU encoder–decoder.

Synthetic data (rnnviz.seq2seq.number_to_words), so every example can be regenerated: numbers
0 … 999,999, sampled with a uniform number of digits (1–6) so that "seven" is as common as
"four hundred and two thousand …"; "and" is dropped from half the training sentences so both
British and American phrasing work. Held-out *numbers*: n is in the test half-space iff
n ≥ 100 and hash(n) % 10 == 0 (Knuth's multiplicative hash), and never appears in training; the test set is
2,000 such numbers in canonical British form. Metric: exact-match accuracy of greedy decoding.
"""
from __future__ import annotations

import random
from pathlib import Path

import torch
import torch.nn.functional as F

from rnnviz.models import seq2seq as s2s
from rnnviz.models import architecture
from rnnviz.models.nets import Seq2Seq
from rnnviz.train import common

HYPER = {"cell": "GRU", "embedding_dim": 32, "hidden_size": 128, "batch_size": 128, "steps": 3000,
         "lr": 3e-3, "lr_decay_after": 2000, "lr_decay": 0.3, "clip_norm": 1.0, "eval_every": 500,
         "valid_size": 1000, "test_size": 2000, "drop_and_prob": 0.5, "seed": 4321}
SMOKE = {"hidden_size": 16, "batch_size": 8, "steps": 4, "eval_every": 2, "valid_size": 20,
         "test_size": 20}
SRC_STOI = {w: i for i, w in enumerate(s2s.SOURCE_WORDS)}
TGT_STOI = {c: i for i, c in enumerate(s2s.TARGET_CHARS)}


def is_held_out(n: int) -> bool:
    """10 % of the numbers ≥ 100 never appear in training. 0 … 99 are all trained: they are the
    building blocks (the word "zero" occurs only in the number 0)."""
    return n >= 100 and (n * 2654435761 % 2**32) % 10 == 0


def sample_number(rng: random.Random, held_out: bool) -> int:
    while True:
        digits = rng.randint(1, 6)
        n = rng.randint(0 if digits == 1 else 10 ** (digits - 1), 10 ** digits - 1)
        if is_held_out(n) == held_out:
            return n


def test_set(size: int, seed: int = 2024) -> list[tuple[str, str]]:
    """The held-out evaluation set: (canonical words, digits) for `size` distinct held-out numbers.
    Deterministic in (size, seed), so tests regenerate exactly what training evaluated."""
    rng, seen, rows = random.Random(seed), set(), []
    while len(rows) < size:
        n = sample_number(rng, held_out=True)
        if n not in seen:
            seen.add(n)
            rows.append((s2s.number_to_words(n), str(n)))
    return rows


def encode_batch(pairs: list[tuple[str, str]]):
    """-> src (B, S) padded, lengths (B,), tgt_in (B, T) "<s>"+digits, tgt_out (B, T) digits+"</s>"."""
    src = [[SRC_STOI.get(w, SRC_STOI["<unk>"]) for w in s2s.source_tokens(words)] for words, _ in pairs]
    tgt = [[TGT_STOI[c] for c in digits] for _, digits in pairs]
    S, T = max(map(len, src)), max(map(len, tgt)) + 1
    pad_out = -100  # ignored by cross_entropy
    src_t = torch.tensor([s + [0] * (S - len(s)) for s in src])
    lengths = torch.tensor([len(s) for s in src])
    tgt_in = torch.tensor([[TGT_STOI["<s>"]] + t + [TGT_STOI["</s>"]] * (T - 1 - len(t)) for t in tgt])
    tgt_out = torch.tensor([t + [TGT_STOI["</s>"]] + [pad_out] * (T - 1 - len(t)) for t in tgt])
    return src_t, lengths, tgt_in, tgt_out


@torch.no_grad()
def exact_match(net, pairs: list[tuple[str, str]], batch_size: int = 500) -> float:
    if isinstance(net, torch.nn.Module):  # the trainer's net; a loaded Seq2SeqModel is already eval
        net.eval()
    correct = 0
    for s in range(0, len(pairs), batch_size):
        chunk = pairs[s:s + batch_size]
        src, lengths, _, _ = encode_batch(chunk)
        ids = s2s.greedy_ids(net, src, lengths)
        correct += sum(s2s.ids_to_string(row) == digits for row, (_, digits) in zip(ids, chunk))
    return correct / len(pairs)


def train(out_dir: Path, smoke: bool = False, log=common.log) -> dict:
    hp = {**HYPER, **(SMOKE if smoke else {})}
    common.seed_everything(hp["seed"])
    rng = random.Random(hp["seed"])
    timer = common.Timer()
    net = Seq2Seq(len(s2s.SOURCE_WORDS), len(s2s.TARGET_CHARS), hp["embedding_dim"],
                  hp["hidden_size"], hp["cell"])
    opt = torch.optim.Adam(net.parameters(), lr=hp["lr"])
    # validation: training-side numbers (not held out), fresh seed; test: held-out numbers.
    vrng = random.Random(hp["seed"] + 1)
    valid = [(s2s.number_to_words(n), str(n)) for n in
             (sample_number(vrng, held_out=False) for _ in range(hp["valid_size"]))]
    test = test_set(hp["test_size"])
    best, best_state, history = -1.0, None, []
    for step in range(1, hp["steps"] + 1):
        net.train()
        if step == hp["lr_decay_after"]:
            for g in opt.param_groups:
                g["lr"] *= hp["lr_decay"]
        nums = [sample_number(rng, held_out=False) for _ in range(hp["batch_size"])]
        pairs = [(s2s.number_to_words(n, use_and=rng.random() >= hp["drop_and_prob"]), str(n))
                 for n in nums]
        src, lengths, tgt_in, tgt_out = encode_batch(pairs)
        logits = net(src, lengths, tgt_in)                                  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), hp["clip_norm"])
        opt.step()
        if step % hp["eval_every"] == 0 or step == hp["steps"]:
            acc = exact_match(net, valid)
            history.append({"step": step, "loss": round(loss.item(), 4), "valid_exact": acc,
                            "seconds": timer.seconds})
            log(f"seq2seq step {step}: loss {loss.item():.4f} valid exact {acc:.4f} ({timer.seconds}s)")
            if acc >= best:
                best, best_state = acc, {k: t.clone() for k, t in net.state_dict().items()}
    net.load_state_dict(best_state)
    test_acc = exact_match(net, test)
    seconds = timer.seconds
    name = "numbers-seq2seq"
    config = {
        "name": name, "title": "Number words → digits (GRU encoder–decoder)", "task": "seq2seq",
        "io_shape": "N→M", "level": "word", "arch": "Seq2Seq", "cell": hp["cell"],
        "bidirectional": False, "num_layers": 1, "embedding_dim": hp["embedding_dim"],
        "hidden_size": hp["hidden_size"],
        "vocab": {"itos": s2s.SOURCE_WORDS, "unk": "<unk>", "lowercase": True},
        "target_vocab": {"itos": s2s.TARGET_CHARS},
        "metrics": {"test_exact_match": round(test_acc, 4), "valid_exact_match": round(best, 4),
                    "test_size": len(test), "test_seed": 2024},
        "architecture": architecture(net.encoder), "decoder_architecture": architecture(net.decoder),
        "hyper_parameters": hp, "training": {"seconds": seconds, "cpu_seconds": timer.cpu_seconds, "history": history,
                                              "smoke": smoke, **common.environment()},
        "params": common.n_params(net),
        "data": {"source": "synthetic: rnnviz.seq2seq.number_to_words(n), 0 ≤ n ≤ 999,999",
                 "split": "held-out numbers: n >= 100 and (n*2654435761 mod 2**32) % 10 == 0; "
                          "test = rnnviz.train.numbers.test_set(2000, seed=2024)"},
        "reproduce": f"python -m rnnviz.train {name}",
    }
    card = f"""
# {name}

**Task.** N→M translation of English number words into digits, e.g. "three hundred and
twelve" → "312" (0 … 999,999; hyphens and "and" optional).
**Model.** Encoder: embedding {hp['embedding_dim']} → `nn.{hp['cell']}` hidden {hp['hidden_size']};
its final state is the context vector **c**. Decoder: `nn.{hp['cell']}` hidden {hp['hidden_size']}
starting from s₀ = c, input [embedding of the previous digit ; c] → linear head over the digits
and `</s>`. Greedy decoding.
**Data.** Synthetic (`rnnviz.seq2seq.number_to_words`); 10 % of the numbers ≥ 100 are held out from
training by a hash of the number (0 … 99 are always trained: they are the building blocks).
**Metric.** Exact-match accuracy on 2,000 held-out numbers: **{test_acc:.4f}**
(validation on training-side numbers {best:.4f}).
**Training.** {hp['steps']} Adam steps of {hp['batch_size']} fresh examples, lr {hp['lr']},
seed {hp['seed']}; {seconds:.0f} s wall-clock, {timer.cpu_seconds:.0f} s CPU, on 1 thread of a shared 2-core machine.
**Limitations.** Only whole numbers below a million in standard form, English words only; no
"a hundred", "eleven hundred", "oh", "dozen" or digits in the input (unknown words map to
`<unk>`, and the output for them is meaningless).
**Reproduce.** `python -m rnnviz.train {name}`.
"""
    common.write_asset(out_dir, net, config, card)
    return config
