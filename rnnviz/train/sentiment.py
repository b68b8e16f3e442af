"""N→1 sentence sentiment: sentiment-rnn / -lstm / -gru / -bilstm / -bigru.

The five cells of the lecture notes on one task, so they compare like for like: movie-review
sentences rated by crowd workers (Hutto & Gilbert 2014, VADER ground truth; the sentences come
from Pang & Lee's rotten-tomatoes snippets), mean rating > +0.5 positive, < −0.5 negative
(10,043 sentences, balanced), shuffled with a fixed seed and split 80/10/10 train/valid/test.

Word level (rnnviz.text.tokenize, lower-cased), words seen ≥ 2 times in training, others `<unk>`.
Small data and no pretrained embeddings, so the recipe is regularisation (Zhang & Wallace 2015,
arXiv:1510.03820; Gal & Ghahramani 2016 for dropout on recurrent nets): a small embedding,
dropout on the embeddings and before the head, word dropout (a training word becomes `<unk>` with
probability p, which also teaches the model what `<unk>` means), AdamW weight decay, and early
stopping on validation accuracy. The head is linear on the final hidden state(s).

Besides the official test split (its text is fetched, never committed) the model is scored on
tests/data/sentiment_probe.tsv: 120 clearly positive/negative sentences written for this repo,
so anyone can re-check a model without the data.
"""
from __future__ import annotations

import collections
import random
from pathlib import Path

import torch
import torch.nn.functional as F

from rnnviz.models import architecture, load_dir
from rnnviz.models.nets import Classifier
from rnnviz.models.text import Vocab, tokenize
from rnnviz.train import common, data

LABELS = ["negative", "positive"]
PAD, UNK = "<pad>", "<unk>"
PROBE = common.REPO / "tests" / "data" / "sentiment_probe.tsv"
SPLIT_SEED = 2014
HYPER = {"embedding_dim": 48, "hidden_size": 64, "min_count": 2, "max_vocab": 8000,
         "batch_size": 32, "max_epochs": 20, "patience": 4, "lr": 2e-3, "weight_decay": 1e-2,
         "dropout": 0.5, "word_dropout": 0.1, "clip_norm": 1.0, "seed": 17,
         "split": [0.8, 0.1, 0.1], "split_seed": SPLIT_SEED, "threshold": 0.5}
SMOKE = {"embedding_dim": 8, "hidden_size": 8, "min_count": 1, "max_epochs": 2, "patience": 1}


def read_probe(path: Path = PROBE) -> list[tuple[str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        label, text = line.split("\t", 1)
        rows.append((text, LABELS.index(label)))
    return rows


def split(rows: list[tuple[str, int]], seed: int = SPLIT_SEED, fractions=(0.8, 0.1, 0.1)):
    """Deterministic shuffle then train/valid/test slices (tests call this to rebuild the test set)."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    n_train, n_valid = int(fractions[0] * len(rows)), int(fractions[1] * len(rows))
    return rows[:n_train], rows[n_train:n_train + n_valid], rows[n_train + n_valid:]


def words(text: str) -> list[str]:
    return [w.lower() for w in tokenize(text, "word")]


def build_vocab(rows, min_count: int, max_vocab: int) -> Vocab:
    counts = collections.Counter(w for text, _ in rows for w in words(text))
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return Vocab([PAD, UNK] + kept[:max_vocab - 2], unk=UNK, lowercase=True)


def encode(rows, vocab: Vocab):
    return [(vocab.encode(tokenize(text, "word")) or [vocab.stoi[UNK]], label) for text, label in rows]


def pad(batch, word_dropout: float = 0.0, unk_id: int = 1, gen: torch.Generator | None = None):
    """[(ids, label)] -> ids (B, T) right-padded with 0, lengths (B,), labels (B,)."""
    T = max(len(ids) for ids, _ in batch)
    x = torch.zeros(len(batch), T, dtype=torch.long)
    for b, (ids, _) in enumerate(batch):
        x[b, :len(ids)] = torch.tensor(ids)
    lengths = torch.tensor([len(ids) for ids, _ in batch])
    if word_dropout:
        drop = (torch.rand(x.shape, generator=gen) < word_dropout) & (x > 0)
        x = torch.where(drop, torch.full_like(x, unk_id), x)
    return x, lengths, torch.tensor([label for _, label in batch])


@torch.no_grad()
def accuracy(net: Classifier, encoded, batch_size: int = 256) -> float:
    net.eval()
    correct = 0
    for s in range(0, len(encoded), batch_size):
        x, lengths, y = pad(encoded[s:s + batch_size])
        correct += (net(x, lengths).argmax(-1) == y).sum().item()
    return correct / len(encoded)


def model_accuracy(model, rows) -> float:
    """Accuracy of a loaded rnnviz Model, one sentence at a time through ``model.predict``
    (exactly what the app shows) — used for the probe set and by the tests."""
    correct = 0
    for text, label in rows:
        p = model.predict(text)
        correct += int(p["positive"] > p["negative"]) == label
    return correct / len(rows)


def train(cell: str, bidirectional: bool, out_dir: Path, smoke: bool = False, log=common.log) -> dict:
    hp = {**HYPER, **(SMOKE if smoke else {})}
    gen = common.seed_everything(hp["seed"])
    timer = common.Timer()
    name = f"sentiment-{'bi' if bidirectional else ''}{cell.lower()}"
    if smoke:  # the shipped probe set stands in for the data: no network, seconds
        probe = read_probe()
        train_rows, valid_rows, test_rows = probe[::2], probe[1::4], probe[3::4]
        prov = {"source": "smoke run on tests/data/sentiment_probe.tsv"}
    else:
        rows = data.movie_reviews(threshold=hp["threshold"])
        train_rows, valid_rows, test_rows = split(rows, hp["split_seed"], hp["split"])
        prov = data.provenance(
            "vader", file=f"additional_resources/hutto_ICWSM_2014.tar.gz/hutto_ICWSM_2014/{data.MOVIE_REVIEWS_FILE}",
            file_sha256=data.MOVIE_REVIEWS_SHA256, sentences=len(rows),
            labelling=f"mean rating > +{hp['threshold']} positive, < -{hp['threshold']} negative, else dropped",
            split=f"rnnviz.train.sentiment.split(rows, seed={hp['split_seed']}): 80/10/10 train/valid/test")
    vocab = build_vocab(train_rows, hp["min_count"], hp["max_vocab"])
    train_enc, valid_enc, test_enc = (encode(r, vocab) for r in (train_rows, valid_rows, test_rows))

    net = Classifier(len(vocab), hp["embedding_dim"], hp["hidden_size"], cell, bidirectional,
                     num_classes=2, dropout=hp["dropout"], pad_index=0)
    opt = torch.optim.AdamW(net.parameters(), lr=hp["lr"], weight_decay=hp["weight_decay"])
    best, best_state, history, bad_epochs = -1.0, None, [], 0
    order_rng = random.Random(hp["seed"])
    for epoch in range(1, hp["max_epochs"] + 1):
        net.train()
        order = list(range(len(train_enc)))
        order_rng.shuffle(order)
        total = 0.0
        for s in range(0, len(order), hp["batch_size"]):
            x, lengths, y = pad([train_enc[i] for i in order[s:s + hp["batch_size"]]],
                                hp["word_dropout"], vocab.stoi[UNK], gen)
            loss = F.cross_entropy(net(x, lengths), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), hp["clip_norm"])
            opt.step()
            total += loss.item() * len(y)
        v = accuracy(net, valid_enc)
        history.append({"epoch": epoch, "train_loss": round(total / len(train_enc), 4),
                        "valid_accuracy": round(v, 4), "seconds": timer.seconds})
        log(f"{name} epoch {epoch}: loss {total / len(train_enc):.4f} valid {v:.4f} ({timer.seconds}s)")
        if v > best:
            best, best_state, bad_epochs = v, {k: t.clone() for k, t in net.state_dict().items()}, 0
        else:
            bad_epochs += 1
            if bad_epochs >= hp["patience"]:
                break
    net.load_state_dict(best_state)
    test_acc = accuracy(net, test_enc)
    seconds = timer.seconds
    config = {
        "name": name, "title": f"Movie-review sentiment ({'Bi-' if bidirectional else ''}{cell})",
        "task": "classify", "io_shape": "N→1", "level": "word", "arch": "Classifier",
        "labels": LABELS, "cell": cell, "bidirectional": bidirectional, "num_layers": 1,
        "embedding_dim": hp["embedding_dim"], "hidden_size": hp["hidden_size"],
        "vocab": vocab.to_json(),
        "metrics": {"test_accuracy": round(test_acc, 4), "valid_accuracy": round(best, 4),
                    "test_size": len(test_enc), "probe_accuracy": None, "probe_size": None},
        "hyper_parameters": hp, "training": {"seconds": seconds, "cpu_seconds": timer.cpu_seconds, "epochs_run": len(history),
                                              "history": history, "smoke": smoke, **common.environment()},
        "params": common.n_params(net), "data": prov,
        "reproduce": f"python -m rnnviz.train {name}",
    }
    config["architecture"] = architecture(net.rnn)
    common.write_asset(out_dir, net, config, "")
    # Score the probe set through the saved files and the app's own path (Model.predict).
    probe = read_probe()
    config["metrics"]["probe_accuracy"] = round(model_accuracy(load_dir(out_dir), probe), 4)
    config["metrics"]["probe_size"] = len(probe)
    log(f"{name}: test {test_acc:.4f} valid {best:.4f} probe {config['metrics']['probe_accuracy']:.4f}")
    common.write_asset(out_dir, net, config, card(config))
    return config


def card(config: dict) -> str:
    hp, m = config["hyper_parameters"], config["metrics"]
    bi = "bidirectional " if config["bidirectional"] else ""
    cpu = f", {config['training']['cpu_seconds']:.0f} s CPU," if "cpu_seconds" in config["training"] else ""
    return f"""
# {config['name']}

**Task.** N→1: is a movie-review sentence negative or positive?
**Model.** Word embedding {hp['embedding_dim']} (vocabulary: the {len(config['vocab']['itos']) - 2:,} most
frequent lower-cased training words seen ≥ {hp['min_count']}×, plus `<pad>` and `<unk>` for all others) → one {bi}`nn.{config['cell']}` layer, hidden
{hp['hidden_size']} → linear head on the final hidden state{'s (forward at the last word ⊕ backward at the first)' if config['bidirectional'] else ''}
→ softmax over [negative, positive].
**Data.** VADER ground truth (Hutto & Gilbert, ICWSM 2014) movie-review snippets from the PyPI sdist
`vaderSentiment==3.3.2` (sha256 recorded in config.json); mean rating > +0.5 positive, < −0.5
negative; 80/10/10 split with seed {hp['split_seed']}. The sentences are not redistributed (licence
unclear): the training command fetches them.
**Metric.** Test accuracy **{m['test_accuracy']:.4f}** on {m['test_size']} held-out sentences
(validation {m['valid_accuracy']:.4f}); {m['probe_accuracy']:.4f} on the repo's own
{m['probe_size']}-sentence probe set (`tests/data/sentiment_probe.tsv`).
**Training.** AdamW lr {hp['lr']}, weight decay {hp['weight_decay']}, dropout {hp['dropout']}, word
dropout {hp['word_dropout']}, batch {hp['batch_size']}, early stopping (patience {hp['patience']})
after {config['training']['epochs_run']} epochs, seed {hp['seed']}; {config['training']['seconds']:.0f} s wall-clock{cpu} on 1 thread of a shared 2-core machine.
**Limitations.** ~8,000 training sentences of 2000s film criticism: it keys on sentiment words, can
miss sarcasm, and knows nothing about other domains. Words outside the vocabulary are `<unk>`.
**Reproduce.** `python -m rnnviz.train {config['name']}`.
"""
