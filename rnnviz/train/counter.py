"""anbn-lstm: a tiny LSTM that learns aⁿbⁿ by counting in its cell state.

Next-symbol prediction on strings "aⁿbⁿ." (Gers & Schmidhuber 2001, "LSTM recurrent networks learn
simple context-free and context-sensitive languages"; Weiss, Goldberg & Yahav 2018, "On the
practical computational power of finite precision RNNs", arXiv:1805.04908, who show the LSTM
solves it with a cell-state counter). While reading a's the next symbol may be "a" or "b"; once
the first b is read every next symbol is determined: "b" while fewer b's than a's were read,
then "." exactly when the counts match. A network that gets all of these right must count, and
with H = 4 units one cell visibly does: c_t ∝ #a − #b.

Metrics: sequence accuracy (every determined position argmax-correct, and "." never predicted
while reading a's) for n = 1 … N_train and for longer strings n = N_train+1 … 2 N_train; the unit
whose cell state correlates best with the count #a − #b, and that Pearson correlation.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from rnnviz.models import architecture
from rnnviz.models.nets import TokenLM
from rnnviz.train import common

VOCAB = ["<unk>", "a", "b", "."]
STOI = {s: i for i, s in enumerate(VOCAB)}
HYPER = {"cell": "LSTM", "embedding_dim": 4, "hidden_size": 4, "max_n_train": 20, "batch_size": 32,
         "steps": 2000, "lr": 1e-2, "eval_every": 200, "seed": 7}
SMOKE = {"steps": 4, "eval_every": 2, "max_n_train": 4}


def anbn(n: int) -> str:
    return "a" * n + "b" * n + "."


def count_trace(n: int) -> np.ndarray:
    """#a − #b after reading each symbol of aⁿbⁿ (the quantity a counter unit should track)."""
    return np.array(list(range(1, n + 1)) + list(range(n - 1, -1, -1)), dtype=np.float64)


@torch.no_grad()
def next_symbol_argmax(net, text: str) -> list[int]:
    """Argmax next symbol after each position: the trainer's TokenLM, or a loaded rnnviz Model
    (through ``Model.predict``, the path the app shows)."""
    if isinstance(net, torch.nn.Module):
        net.eval()
        ids = torch.tensor([[STOI[ch] for ch in text]])                 # (1, T)
        return net(ids)[0][0].argmax(-1).tolist()                       # (T,)
    return net.predict(list(text)).argmax(-1).tolist()


def sequence_correct(net, n: int) -> bool:
    """Is every determined next-symbol prediction on aⁿbⁿ right (and no early "." among the a's)?"""
    s = anbn(n)
    pred = next_symbol_argmax(net, s[:-1])                             # (2n,)
    for t in range(2 * n):
        if t < n - 1:            # inside the a's: "a" or "b" are both possible, "." is not
            if VOCAB[pred[t]] not in ("a", "b"):
                return False
        elif t >= n:             # after reading a b: fully determined
            if VOCAB[pred[t]] != s[t + 1]:
                return False
    return True


def sequence_accuracy(net, ns) -> float:
    ns = list(ns)
    return sum(sequence_correct(net, n) for n in ns) / len(ns)


@torch.no_grad()
def _cell_states(net: TokenLM, n: int) -> np.ndarray:
    """c_t after each symbol of aⁿbⁿ (without the final "."), via rnnviz.trace. (2n, H)"""
    from rnnviz.core.trace import trace

    net.eval()
    ids = torch.tensor([STOI[ch] for ch in anbn(n)[:-1]])              # (2n,)
    return trace(net.rnn, net.embedding(ids)).get("cell_state")         # unbatched (2n, H)


@torch.no_grad()
def counting_unit(net: TokenLM, ns) -> tuple[int, float]:
    """(unit, Pearson r) of the cell-state unit that best tracks #a − #b over the strings aⁿbⁿ."""
    net.eval()
    cells = np.concatenate([_cell_states(net, n) for n in ns])          # (N, H)
    counts = np.concatenate([count_trace(n) for n in ns])               # (N,)
    r = [np.corrcoef(cells[:, u], counts)[0, 1] for u in range(cells.shape[1])]
    unit = int(np.nanargmax(np.abs(r)))
    return unit, float(r[unit])


def train(out_dir: Path, smoke: bool = False, log=common.log) -> dict:
    hp = {**HYPER, **(SMOKE if smoke else {})}
    common.seed_everything(hp["seed"])
    rng = random.Random(hp["seed"])
    timer = common.Timer()
    N = hp["max_n_train"]
    net = TokenLM(len(VOCAB), hp["embedding_dim"], hp["hidden_size"], hp["cell"])
    opt = torch.optim.Adam(net.parameters(), lr=hp["lr"])
    best, best_state, history = (-1.0, -1.0), None, []
    for step in range(1, hp["steps"] + 1):
        net.train()
        ns = [rng.randint(1, N) for _ in range(hp["batch_size"])]
        T = 2 * max(ns)
        x = torch.tensor([[STOI[c] for c in anbn(n)[:-1]] + [0] * (T - 2 * n) for n in ns])
        y = torch.tensor([[STOI[c] for c in anbn(n)[1:]] + [-100] * (T - 2 * n) for n in ns])
        logits, _ = net(x)                                                  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, len(VOCAB)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        if step % hp["eval_every"] == 0 or step == hp["steps"]:
            acc_in, acc_out = sequence_accuracy(net, range(1, N + 1)), sequence_accuracy(net, range(N + 1, 2 * N + 1))
            history.append({"step": step, "loss": round(loss.item(), 4), "acc_train_range": acc_in,
                            "acc_longer": acc_out, "seconds": timer.seconds})
            log(f"anbn step {step}: loss {loss.item():.4f} acc n≤{N} {acc_in:.3f} n≤{2*N} {acc_out:.3f}")
            if (acc_in, acc_out) >= best:
                best, best_state = (acc_in, acc_out), {k: t.clone() for k, t in net.state_dict().items()}
    net.load_state_dict(best_state)
    acc_in, acc_out = best
    unit, r = counting_unit(net, range(1, 2 * N + 1))
    # every n = 1 … all_correct_up_to is right (checked up to 10·N)
    longest = next((n - 1 for n in range(1, 10 * N + 1) if not sequence_correct(net, n)), 10 * N)
    slope = float(np.polyfit(count_trace(N), _cell_states(net, N)[:, unit], 1)[0])
    seconds = timer.seconds
    name = "anbn-lstm"
    config = {
        "name": name, "title": "aⁿbⁿ counter (tiny LSTM)", "task": "counter", "io_shape": "N→N",
        "level": "char", "arch": "TokenLM", "cell": hp["cell"], "bidirectional": False,
        "num_layers": 1, "embedding_dim": hp["embedding_dim"], "hidden_size": hp["hidden_size"],
        "vocab": {"itos": VOCAB, "unk": "<unk>", "lowercase": True},
        "metrics": {"sequence_accuracy_train_range": acc_in, "sequence_accuracy_longer": acc_out,
                    "train_range": [1, N], "longer_range": [N + 1, 2 * N],
                    "counter_unit": unit, "counter_quantity": "cell_state",
                    "counter_correlation": round(r, 6), "correlation_range": [1, 2 * N],
                    "counter_slope": round(slope, 4), "all_correct_up_to": longest},
        "architecture": architecture(net.rnn),
        "hyper_parameters": hp, "training": {"seconds": seconds, "cpu_seconds": timer.cpu_seconds, "history": history,
                                              "smoke": smoke, **common.environment()},
        "params": common.n_params(net),
        "data": {"source": "synthetic: strings a^n b^n . for n uniform in 1..max_n_train"},
        "reproduce": f"python -m rnnviz.train {name}",
    }
    card = f"""
# {name}

**Task.** Next-symbol prediction on aⁿbⁿ (strings "aaabbb."): after the first b every next
symbol is determined, so getting them all right requires counting.
**Model.** Embedding {hp['embedding_dim']} → `nn.LSTM` with {hp['hidden_size']} units → linear head over
a, b, "." (and `<unk>`).
**Data.** Synthetic, n uniform in 1 … {N}.
**Metric.** All-determined-symbols-correct rate: {acc_in:.3f} for n ≤ {N}, {acc_out:.3f} for
n = {N+1} … {2*N}; every n from 1 to {longest} is right (checked to {10*N}).
**The counter.** Cell-state unit **{unit}** follows #a − #b with Pearson r = **{r:.4f}**
(n = 1 … {2*N}; slope {slope:+.2f} per symbol): it {"climbs on a's and falls back on b's" if slope > 0 else "falls on a's and climbs back on b's"};
"." is predicted when it returns to its start. Show it with `cell_state`, unit {unit}.
**Limitations.** Finite precision: far beyond the training lengths the count drifts.
**Reproduce.** `python -m rnnviz.train {name}`.
"""
    common.write_asset(out_dir, net, config, card)
    return config
