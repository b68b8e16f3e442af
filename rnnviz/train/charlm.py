"""N→N character-level language models on Shakespeare: shakespeare-rnn / -lstm / -gru.

Karpathy's char-rnn recipe (https://github.com/karpathy/char-rnn): predict the next character,
cross-entropy loss, truncated back-propagation through time over contiguous streams (the hidden
state is carried from one chunk to the next, gradients are not), Adam, gradient-norm clipping.

Data split by whole works, so the held-out text is a play the model never saw:
test = The Tempest (shipped as tests/data/shakespeare_tempest.txt, public domain), validation =
The Comedy of Errors (early stopping), training = the other 40 works.

Metric: bits per character = mean of −log₂ p(x_t | x_<t) over the test play, cut into 32 equal
contiguous pieces each read from a zero state (see ``bits_per_char``).
"""
from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F

from rnnviz.models import architecture
from rnnviz.models.nets import TokenLM
from rnnviz.train import common, data

TEST_WORK = "tempest_gut.txt"
VALID_WORK = "comedy_of_errors_gut.txt"
UNK = "<unk>"
SEGMENTS = 32
SHIPPED_TEST = common.REPO / "tests" / "data" / "shakespeare_tempest.txt"

HYPER = {"embedding_dim": 48, "hidden_size": 384, "num_layers": 1, "batch_size": 32, "bptt": 64, "steps": 12000,
         "lr": {"RNN": 2e-3, "LSTM": 3e-3, "GRU": 3e-3}, "warmup": 50, "final_lr_fraction": 0.03,
         "clip_norm": 1.0, "eval_every": 500, "seed": 1234,
         # bf16: run the training forward under torch.autocast(bfloat16) (~1.6× the steps per second on
         # this AVX-512-BF16 CPU); weights, validation and the app stay float32. Off for the shipped models.
         "bf16": False,
         # dropout on the top layer's outputs before the head (TokenLM's nn.Dropout; off in the app)
         "dropout": 0.0,
         # average_from: from this fraction of the steps on, keep a running mean of the weights after
         # every optimiser step (torch.optim.swa_utils.AveragedModel, Izmailov et al. 2018); each
         # evaluation then scores the mean too, and the best of checkpoints and means is kept. 0 = off.
         "average_from": 0.0}
SMOKE = {"hidden_size": 16, "batch_size": 4, "bptt": 16, "steps": 6, "eval_every": 3, "warmup": 2}


def build_vocab(text: str) -> list[str]:
    """<unk> at index 0, then every character of the training text in code-point order."""
    return [UNK] + sorted(set(text))


def encode(text: str, itos: list[str]) -> torch.Tensor:
    stoi = {s: i for i, s in enumerate(itos)}
    return torch.tensor([stoi.get(ch, 0) for ch in text], dtype=torch.long)


@torch.no_grad()
def bits_per_char(net: TokenLM, ids: torch.Tensor, segments: int = SEGMENTS) -> float:
    """Mean −log₂ p(x_t | x_<t) with the text cut into ``segments`` equal contiguous pieces (the
    last len % segments characters dropped), each read from a zero state; every character but a
    piece's first is predicted. Pieces run as one batch: 32× fewer sequential steps than one
    stream, and the state resets cost ~0.01 bpc at this length."""
    net.eval()
    n = len(ids) // segments
    x = ids[: n * segments].view(segments, n)                  # (S, n)
    logits, _ = net(x[:, :-1])                                  # (S, n-1, V)
    nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1),
                          reduction="sum").item()
    return nll / (segments * (n - 1)) / math.log(2)


def batches(ids: torch.Tensor, batch_size: int, bptt: int):
    """Cut the stream into batch_size contiguous rows; yield (x, y) chunks of bptt forever,
    so row b of chunk k+1 continues row b of chunk k (the carried state stays meaningful)."""
    n = (len(ids) - 1) // batch_size
    xs = ids[: n * batch_size].view(batch_size, n)              # (B, n)
    ys = ids[1: n * batch_size + 1].view(batch_size, n)
    while True:
        for s in range(0, n - bptt + 1, bptt):
            yield xs[:, s:s + bptt], ys[:, s:s + bptt], s == 0


def split(texts: dict[str, str]):
    train = "".join(t for k, t in texts.items() if k not in (TEST_WORK, VALID_WORK))
    return train, texts[VALID_WORK], texts[TEST_WORK]


def train(cell: str, out_dir: Path, smoke: bool = False, log=common.log) -> dict:
    hp = {**HYPER, **(SMOKE if smoke else {})}
    hp["lr"] = HYPER["lr"][cell]
    gen = common.seed_everything(hp["seed"])
    timer = common.Timer()
    if smoke:  # the shipped test excerpt stands in for the corpus: no network, seconds
        text = SHIPPED_TEST.read_text(encoding="ascii")
        train_text, valid_text, test_text = text[:20000], text[20000:22000], text[22000:24000]
    else:
        train_text, valid_text, test_text = split(data.shakespeare_texts())
        if test_text != SHIPPED_TEST.read_text(encoding="ascii"):
            raise RuntimeError(f"{SHIPPED_TEST} differs from {TEST_WORK} in the sdist")
    itos = build_vocab(train_text)
    train_ids, valid_ids = (encode(t, itos) for t in (train_text, valid_text))

    net = TokenLM(len(itos), hp["embedding_dim"], hp["hidden_size"], cell, num_layers=hp["num_layers"],
                  dropout=hp["dropout"])
    opt = torch.optim.Adam(net.parameters(), lr=hp["lr"])
    best, best_state, history, hx = float("inf"), None, [], None
    average, average_start = None, (int(hp["average_from"] * hp["steps"]) + 1 if hp["average_from"] else None)
    stream = batches(train_ids, hp["batch_size"], hp["bptt"])
    for step in range(1, hp["steps"] + 1):
        net.train()
        x, y, restart = next(stream)
        if restart:
            hx = None
        # linear warm-up, then cosine decay from lr to final_lr_fraction·lr over the run
        progress = (step - 1) / hp["steps"]
        frac = hp["final_lr_fraction"] + (1 - hp["final_lr_fraction"]) * 0.5 * (1 + math.cos(math.pi * progress))
        frac *= min(1.0, step / hp["warmup"])
        for g in opt.param_groups:
            g["lr"] = hp["lr"] * frac
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=hp["bf16"]):
            logits, hx = net(x, hx)                              # (B, bptt, V)
        hx = tuple(h.detach().float() for h in hx) if isinstance(hx, tuple) else hx.detach().float()
        loss = F.cross_entropy(logits.float().reshape(-1, len(itos)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), hp["clip_norm"])
        opt.step()
        if average_start is not None and step >= average_start:
            if average is None:
                average = torch.optim.swa_utils.AveragedModel(net)    # equal weights: a running mean
            average.update_parameters(net)
        if step % hp["eval_every"] == 0 or step == hp["steps"]:
            v = bits_per_char(net, valid_ids)
            history.append({"step": step, "train_bpc": round(loss.item() / math.log(2), 4),
                            "valid_bpc": round(v, 4), "seconds": timer.seconds,
                            "cpu_seconds": timer.cpu_seconds})
            if v < best:
                best, best_state, kept = v, {k: t.clone() for k, t in net.state_dict().items()}, f"step {step}"
            if average is not None:
                va = bits_per_char(average.module, valid_ids)
                history[-1]["valid_average_bpc"] = round(va, 4)
                history[-1]["averaged_steps"] = int(average.n_averaged)
                if va < best:
                    best, best_state = va, {k: t.clone() for k, t in average.module.state_dict().items()}
                    kept = f"mean of steps {average_start}-{step}"
            log(f"{cell} step {step}: train {history[-1]['train_bpc']:.3f} valid {v:.3f} bpc"
                + (f", mean of the last {int(average.n_averaged)} steps {va:.3f}" if average is not None else "")
                + f" ({timer.seconds}s, {timer.cpu_seconds}s CPU)")
    net.load_state_dict(best_state)
    name = f"shakespeare-{cell.lower()}"
    config = {
        "name": name, "title": f"Shakespeare character model ({cell})", "task": "language-model",
        "io_shape": "N→N", "level": "char", "arch": "TokenLM", "cell": cell, "bidirectional": False,
        "num_layers": hp["num_layers"], "embedding_dim": hp["embedding_dim"], "hidden_size": hp["hidden_size"],
        "vocab": {"itos": itos, "unk": UNK, "lowercase": False},
        "metrics": {"valid_bits_per_char": round(best, 4), "valid_segments": SEGMENTS,
                    "valid_work": VALID_WORK, "train_chars": len(train_ids)},
        "architecture": architecture(net.rnn),
        "hyper_parameters": hp, "training": {"seconds": timer.seconds, "cpu_seconds": timer.cpu_seconds,
                                              "history": history, "smoke": smoke, **common.environment(),
                                              **({"average_start": average_start, "kept": kept} if average_start else {})},
        "params": common.n_params(net),
        "data": data.provenance("shakespeare", files="shksprdata/texts/*_gut.txt (42 works)",
                                split=f"test={TEST_WORK}, valid={VALID_WORK}, train=the other 40"),
        "reproduce": f"python -m rnnviz.train {name}",
    }
    # Weights first, then the scores through the saved files (rnnviz.train.lm_report: the app's
    # own loading path; imported here so the report can be re-run on a finished training).
    common.write_asset(out_dir, net, config, "")
    from rnnviz.train import lm_report
    return lm_report.finish(out_dir, smoke=smoke, log=log)
