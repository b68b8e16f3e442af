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

Training data (the official valid/test splits are untouched, so test numbers stay comparable
with earlier models): the movie training split, plus — all fetched from the same sdist — the
study's Amazon, NYT-editorial and tweet snippets labelled the same way, the VADER lexicon's
polar words, and negation / contrast sentences built by rule from those (rnnviz.train.augment).

Recipe (one for all five cells): the rules of ``augment`` and ``scope`` (verbs of liking, double
negation, downtoners), weights averaged from epoch 2 (Izmailov et al. 2018), three seeds and then a
student distilled from their mean prediction on the crowd-rated sentences (Hinton et al. 2015; the
rule-built items keep their exact labels); ``choose`` keeps one run on
development data only (validation accuracy and tests/data/sentiment_dev_pairs.tsv).

Besides the official test split (its text is fetched, never committed) the model is scored on
tests/data/sentiment_probe.tsv: 120 clearly positive/negative sentences written for this repo,
and tests/data/sentiment_minimal_pairs.tsv: 112 hand-written minimal pairs (negation, contrast,
double negation, intensifiers; two sentences one or two words apart with opposite labels), kept
out of training and model selection — so anyone can re-check a model without the data.
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
from rnnviz.train import augment, common, data, scope

LABELS = ["negative", "positive"]
PAD, UNK = "<pad>", "<unk>"
PROBE = common.REPO / "tests" / "data" / "sentiment_probe.tsv"
PAIRS = common.REPO / "tests" / "data" / "sentiment_minimal_pairs.tsv"
DEV_PAIRS = common.REPO / "tests" / "data" / "sentiment_dev_pairs.tsv"
SPLIT_SEED = 2014
HYPER = {"embedding_dim": 64, "hidden_size": 96, "min_count": 2, "max_vocab": 11000,
         "batch_size": 64, "max_epochs": 12, "patience": 3, "lr": 3e-3, "weight_decay": 1e-2,
         "dropout": 0.25, "word_dropout": 0.05, "clip_norm": 1.0, "seed": 17,
         "split": [0.8, 0.1, 0.1], "split_seed": SPLIT_SEED, "threshold": 0.5,
         "other_snippets": True, "lexicon_min_abs": 1.0, "negation": 6000, "contrasts": 6000,
         "downtoners": True, "verbs": 2000, "double_negation": 1500, "augment_seed": 5,
         "swa_start": 2, "seeds": 3, "distill": 0.5, "distill_rated_only": True}
# "downtoners": augment.DOWNTONERS beside the negators; "verbs", "double_negation": item counts of
# rnnviz.train.scope (verbs of liking, double negation); "swa_start": the epoch from which weights
# are averaged (``fit``); "seeds": training runs from seed, seed + 1, ...; "distill": one more run
# taught by their mean prediction (``fit``), "distill_rated_only": on the crowd-rated sentences only,
# the rule-built items keep their exact labels; the run kept is chosen on development data (``choose``).
# Optional keys bench/sentiment_recipes.py tries: "neutral_share" (share of scope items repeated
# with a neutral clause), "lr_decay" (per-epoch factor of the learning rate), "movie_repeat",
# "rating_targets" (scale of ``rating_targets``), "neutral_snippets" (``neutral_rows`` added).
SMOKE = {"embedding_dim": 8, "hidden_size": 8, "min_count": 1, "max_epochs": 2, "patience": 1,
         "contrasts": 40, "negation": 40}


def read_probe(path: Path = PROBE) -> list[tuple[str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        label, text = line.split("\t", 1)
        rows.append((text, LABELS.index(label)))
    return rows


def read_pairs(path: Path = PAIRS) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """[(pair id, kind, [(sentence, label), (sentence, label)])] in file order."""
    pairs: dict[str, tuple[str, list]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        pair, kind, label, text = line.split("\t")
        pairs.setdefault(pair, (kind, []))[1].append((text, LABELS.index(label)))
    return [(pair, kind, rows) for pair, (kind, rows) in pairs.items()]


def pair_scores(model, pairs=None) -> dict:
    """Through the app's path (Model.predict): the share of pairs with BOTH sentences right
    (a model that ignores the changed word gets at most one of the two), per kind too."""
    pairs = read_pairs() if pairs is None else pairs
    right, by_kind, failed = [], {}, []
    for pair, kind, rows in pairs:
        ok = model_accuracy(model, rows) == 1.0
        right.append(ok)
        by_kind.setdefault(kind, []).append(ok)
        if not ok:
            failed.append(pair)
    return {"pairs_wholly_right": round(sum(right) / len(right), 4), "pairs_size": len(right),
            "pairs_by_kind": {k: [sum(v), len(v)] for k, v in by_kind.items()}, "failed": failed}


def training_rows(hp: dict, train_rows, download: bool = True):
    """The movie training split + the extra rated snippets + the lexicon + the rule-built negation
    and contrast sentences; and {source: count}. None if the data is not available."""
    rows, counts = list(train_rows), {"movie_train": len(train_rows)}
    if hp["other_snippets"]:
        other = data.other_snippets(download, hp["threshold"])
        if other is None:
            return None
        for name, extra in other.items():
            rows += extra
            counts[name.split("_")[0]] = len(extra)
    polar = list(rows)   # the rule-built items are made from the labelled sentences only
    if hp.get("neutral_snippets"):
        neutral = neutral_rows(download, hp["threshold"])
        if neutral is None:
            return None
        rows += neutral
        counts["neutral"] = len(neutral)
    if hp["lexicon_min_abs"] or hp["negation"] or hp["contrasts"] or hp.get("verbs") or hp.get("double_negation"):
        lexicon = data.lexicon(download)
        if lexicon is None:
            return None
        lexicon = augment.usable_lexicon(lexicon, {w for text, _ in polar for w in words(text)})
        rng = random.Random(hp["augment_seed"])
        built = {}
        if hp["lexicon_min_abs"]:
            built["lexicon_words"] = augment.lexicon_items(lexicon, rng, hp["lexicon_min_abs"])
        if hp["negation"]:
            negators = augment.NEGATORS + (augment.DOWNTONERS if hp.get("downtoners") else [])
            built["negated_words"] = augment.negated_words(lexicon, rng, per_word=2, negators=negators)
            built["negated_sentences"] = augment.negated_sentences(polar, lexicon, rng)
            built["predicate_sentences"] = augment.predicate_sentences(polar, lexicon, rng, hp["negation"])
        if hp["contrasts"]:
            built["contrasts"] = augment.contrasts(polar, lexicon, rng, hp["contrasts"])
        if hp.get("verbs"):
            built["verb_sentences"] = scope.verb_sentences(lexicon, rng, hp["verbs"])
        if hp.get("double_negation"):
            built["double_negations"] = scope.double_negations(polar, lexicon, rng, hp["double_negation"])
        if hp.get("neutral_share"):
            scoped = [item for source in ("predicate_sentences", "verb_sentences", "double_negations")
                      for item in built.get(source, [])]
            built["with_neutral_clause"] = scope.with_neutral_clause(
                scoped, scope.neutral_clauses(polar, lexicon), rng, hp["neutral_share"])
        for source, extra in built.items():
            rows += extra
            counts[source] = len(extra)
    if hp.get("movie_repeat", 1) > 1:   # the in-domain sentences seen more than once per epoch
        rows += list(train_rows) * (hp["movie_repeat"] - 1)
        counts["movie_train_repeated"] = len(train_rows) * (hp["movie_repeat"] - 1)
    return rows, counts


def neutral_rows(download: bool = True, threshold: float = 0.5) -> list[tuple[str, int]] | None:
    """The rated sentences of all four files that the labelling drops (|mean rating| ≤ threshold),
    labelled by the rating's sign; none is in the validation or test split, which hold only the
    movie sentences beyond the threshold. Useful only with ``rating_targets`` (a hard label on a
    sentence rated +0.2 would be noise)."""
    paths = data.ground_truth_paths(download)
    if paths is None:
        return None
    return [(text, int(r > 0)) for path in paths.values() for text, r in data.ratings(path)
            if abs(r) <= threshold]


def rating_targets(rows, n_rated: int, ratings: dict[str, float], scale: float) -> torch.Tensor:
    """(N, 2) training targets: the first ``n_rated`` items (crowd-rated sentences) get
    p(positive) = σ(scale · mean rating), so "+0.6, barely positive" is a softer target than "+3.1";
    the rule-built items after them keep their exact one-hot labels."""
    labels = torch.tensor([label for _, label in rows], dtype=torch.long)
    targets = F.one_hot(labels, 2).float()                                   # (N, 2)
    p = torch.sigmoid(scale * torch.tensor([ratings[text] for text, _ in rows[:n_rated]]))
    targets[:n_rated] = torch.stack([1 - p, p], -1)
    return targets


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


def length_batches(lengths: list[int], batch_size: int, rng: random.Random, pool: int = 50):
    """Shuffled batches of similar length: shuffle, sort each pool of 50 batches' worth by length,
    cut into batches, shuffle the batches. A two-word phrase then does not wait for the 40 steps
    of a long sentence in the same batch (the recurrent loop runs max(length) steps)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    for s in range(0, len(order), pool * batch_size):
        chunk = sorted(order[s:s + pool * batch_size], key=lengths.__getitem__)
        batches += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


@torch.no_grad()
def accuracy(net: Classifier, encoded, batch_size: int = 256) -> float:
    net.eval()
    correct = 0
    for s in range(0, len(encoded), batch_size):
        x, lengths, y = pad(encoded[s:s + batch_size])
        correct += (net(x, lengths).argmax(-1) == y).sum().item()
    return correct / len(encoded)


def fit(hp: dict, cell: str, bidirectional: bool, seed: int, vocab: Vocab, train_enc, valid_enc, log,
        timer: common.Timer, soft: torch.Tensor | None = None, targets: torch.Tensor | None = None):
    """One training run from ``seed``: AdamW, early stopping on validation accuracy.
    ``soft`` (N, 2): teachers' class probabilities for every training item; the loss is then
    (1 − a)·CE(label) + a·CE(soft), a = hp["distill"] (Hinton et al. 2015, arXiv:1503.02531).
    ``targets`` (N, 2): per-item targets that take the labels' place in that loss (``rating_targets``).
    -> (the net at its best epoch, that validation accuracy, per-epoch history)."""
    gen = common.seed_everything(seed)
    net = Classifier(len(vocab), hp["embedding_dim"], hp["hidden_size"], cell, bidirectional,
                     num_classes=2, dropout=hp["dropout"], pad_index=0)
    opt = torch.optim.AdamW(net.parameters(), lr=hp["lr"], weight_decay=hp["weight_decay"])
    # the step size shrinks by lr_decay after every epoch: late epochs refine instead of jumping
    # between minima, so early stopping picks a settled model rather than a lucky one
    schedule = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=hp.get("lr_decay", 1.0))
    best, best_state, history, bad_epochs, n_avg, average = -1.0, None, [], 0, 0, {}
    order_rng = random.Random(seed)
    for epoch in range(1, hp["max_epochs"] + 1):
        net.train()
        total = 0.0
        for batch in length_batches([len(ids) for ids, _ in train_enc], hp["batch_size"], order_rng):
            x, lengths, y = pad([train_enc[i] for i in batch], hp["word_dropout"], vocab.stoi[UNK], gen)
            logits = net(x, lengths)                                          # (B, 2)
            loss = (F.cross_entropy(logits, y) if targets is None
                    else -(targets[batch] * F.log_softmax(logits, -1)).sum(-1).mean())
            if soft is not None:
                a = hp["distill"]
                loss = (1 - a) * loss - a * (soft[batch] * F.log_softmax(logits, -1)).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), hp["clip_norm"])
            opt.step()
            total += loss.item() * len(y)
        schedule.step()
        v, state = accuracy(net, valid_enc), {k: t.clone() for k, t in net.state_dict().items()}
        entry = {"epoch": epoch, "train_loss": round(total / len(train_enc), 4), "valid_accuracy": round(v, 4)}
        if hp.get("swa_start") and epoch >= hp["swa_start"]:
            # stochastic weight averaging (Izmailov et al. 2018, arXiv:1803.05407): the mean of the
            # weights after each epoch from swa_start on sits in a flatter region than any one of
            # them; scored on validation like an epoch, and kept when it scores higher
            n_avg += 1
            average = {k: t.clone() if n_avg == 1 else average[k] + (t - average[k]) / n_avg
                       for k, t in state.items()}
            net.load_state_dict(average)
            v_avg = accuracy(net, valid_enc)
            net.load_state_dict(state)
            entry["averaged_valid_accuracy"] = round(v_avg, 4)
            if v_avg > v:
                v, state = v_avg, {k: t.clone() for k, t in average.items()}
        history.append({**entry, "seconds": timer.seconds, "cpu_seconds": timer.cpu_seconds})
        log(f"epoch {epoch}: loss {total / len(train_enc):.4f} valid {entry['valid_accuracy']:.4f} "
            f"averaged {entry.get('averaged_valid_accuracy', '-')} ({timer.seconds}s, {timer.cpu_seconds}s CPU)")
        if v > best:
            best, best_state, bad_epochs = v, state, 0
        else:
            bad_epochs += 1
            if bad_epochs >= hp["patience"]:
                break
    net.load_state_dict(best_state)
    return net, best, history


DEV_PAIRS_BAR = 0.80   # issue 11's bar for the minimal pairs, applied to the development pairs


def choose(candidates: list[dict]) -> dict:
    """Model selection on development data only: among the runs with ≥ DEV_PAIRS_BAR of the
    development pairs wholly right, the best validation accuracy; if none clears it, the best
    validation accuracy + development pairs. Ties go to the earlier seed."""
    cleared = [c for c in candidates if c["dev_pairs"] >= DEV_PAIRS_BAR]
    if cleared:
        return max(cleared, key=lambda c: (c["valid_accuracy"], c["dev_pairs"], -c["seed"]))
    return max(candidates, key=lambda c: (c["valid_accuracy"] + c["dev_pairs"], -c["seed"]))


@torch.no_grad()
def teacher_probabilities(nets, encoded, batch_size: int = 256) -> torch.Tensor:
    """(N, 2) mean softmax of ``nets`` over the encoded items (eval mode: no dropout)."""
    out = []
    for net in nets:
        net.eval()
        out.append(torch.cat([F.softmax(net(*pad(encoded[s:s + batch_size])[:2]), -1)
                              for s in range(0, len(encoded), batch_size)]))
    return torch.stack(out).mean(0)


def labels_from(soft: torch.Tensor, encoded, start: int) -> torch.Tensor:
    """``soft`` (N, 2) with rows ``start:`` replaced by the items' one-hot labels."""
    soft = soft.clone()
    soft[start:] = F.one_hot(torch.tensor([y for _, y in encoded[start:]], dtype=torch.long), 2).float()
    return soft


@torch.no_grad()
def encoded_pair_score(net: Classifier, pairs) -> float:
    """Share of pairs [[(ids, label), (ids, label)], ...] with both sentences right."""
    net.eval()
    right = 0
    for rows in pairs:
        x, lengths, y = pad(rows)
        right += bool((net(x, lengths).argmax(-1) == y).all())
    return right / len(pairs)


def model_accuracy(model, rows) -> float:
    """Accuracy of a loaded rnnviz Model, one sentence at a time through ``model.predict``
    (exactly what the app shows) — used for the probe set and by the tests."""
    correct = 0
    for text, label in rows:
        p = model.predict(text)
        correct += int(p["positive"] > p["negative"]) == label
    return correct / len(rows)


def train(cell: str, bidirectional: bool, out_dir: Path, smoke: bool = False, log=common.log,
          recipe: dict | None = None) -> dict:
    """``recipe``: hyper-parameters over HYPER, to try a variant (bench/sentiment_recipes.py); the
    shipped models are trained without one."""
    hp = {**HYPER, **(recipe or {}), **(SMOKE if smoke else {})}
    timer = common.Timer()
    name = f"sentiment-{'bi' if bidirectional else ''}{cell.lower()}"
    if smoke:  # the shipped probe set stands in for the data: no network, seconds
        probe = read_probe()
        train_rows, valid_rows, test_rows = probe[::2], probe[1::4], probe[3::4]
        prov = {"source": "smoke run on tests/data/sentiment_probe.tsv"}
        hp.update(other_snippets=False, lexicon_min_abs=0, negation=0, contrasts=0)
        counts = {"probe_half": len(train_rows)}
    else:
        rows = data.movie_reviews(threshold=hp["threshold"])
        train_rows, valid_rows, test_rows = split(rows, hp["split_seed"], hp["split"])
        prov = data.provenance(
            "vader", file=f"additional_resources/hutto_ICWSM_2014.tar.gz/hutto_ICWSM_2014/{data.MOVIE_REVIEWS_FILE}",
            file_sha256=data.MOVIE_REVIEWS_SHA256, sentences=len(rows),
            labelling=f"mean rating > +{hp['threshold']} positive, < -{hp['threshold']} negative, else dropped",
            split=f"rnnviz.train.sentiment.split(rows, seed={hp['split_seed']}): 80/10/10 train/valid/test",
            extra_files={**{f"hutto_ICWSM_2014/{k}": v for k, v in data.RATED_SNIPPETS.items()},
                         data.LEXICON_FILE: data.LEXICON_SHA256})
        train_rows, counts = training_rows(hp, train_rows)
    log(f"{name}: training on {len(train_rows)} items {counts}")
    vocab = build_vocab(train_rows, hp["min_count"], hp["max_vocab"])
    train_enc, valid_enc, test_enc = (encode(r, vocab) for r in (train_rows, valid_rows, test_rows))

    dev_pairs = [[(encode([row], vocab)[0]) for row in rows] for _p, _k, rows in read_pairs(DEV_PAIRS)]

    rated = sum(counts.get(k, 0) for k in ("movie_train", "amazonReviewSnippets", "nytEditorialSnippets",
                                           "tweets", "neutral", "probe_half"))
    targets = None
    if hp.get("rating_targets") and not smoke:
        scores = {text: r for path in data.ground_truth_paths().values() for text, r in data.ratings(path)}
        targets = rating_targets(train_rows, rated, scores, hp["rating_targets"])

    def run(seed: int, soft: torch.Tensor | None = None) -> dict:
        who = f"student (seed {seed})" if soft is not None else f"seed {seed}"
        net, best, history = fit(hp, cell, bidirectional, seed, vocab, train_enc, valid_enc,
                                 log=lambda m: log(f"{name} {who} {m}"), timer=timer, soft=soft,
                                 targets=targets)
        dev = encoded_pair_score(net, dev_pairs)
        log(f"{name} {who}: valid {best:.4f} dev pairs {dev:.4f}")
        return {"seed": seed, **({"student": True} if soft is not None else {}), "valid_accuracy": round(best, 4),
                "dev_pairs": round(dev, 4), "epochs_run": len(history), "history": history, "net": net}

    candidates = [run(hp["seed"] + k) for k in range(hp.get("seeds", 1))]
    if hp.get("distill"):  # one more run, taught by the seeds' mean prediction on the training items
        soft = teacher_probabilities([c["net"] for c in candidates], train_enc)
        if hp.get("distill_rated_only"):
            # rule-built items keep their exact labels (one-hot targets): the teachers only soften
            # the crowd-rated sentences, which come first in training_rows
            soft = labels_from(soft, train_enc, rated)
        candidates.append(run(hp["seed"] + len(candidates), soft))
    chosen = choose(candidates)
    net, best, history = chosen.pop("net"), chosen["valid_accuracy"], chosen["history"]
    for c in candidates:
        c.pop("net", None)
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
        "params": common.n_params(net), "data": {**prov, "training_items": counts},
        "reproduce": f"python -m rnnviz.train {name}" if not recipe else f"recipe {recipe} over HYPER",
    }
    if len(candidates) > 1:   # what the choice saw
        config["metrics"]["dev_pairs_wholly_right"] = chosen["dev_pairs"]
        config["training"] |= {"seed": chosen["seed"],
                               "seeds_tried": [{k: v for k, v in c.items() if k != "history"} for c in candidates]}
    config["architecture"] = architecture(net.rnn)
    common.write_asset(out_dir, net, config, "")
    # Score the probe set through the saved files and the app's own path (Model.predict).
    probe = read_probe()
    saved = load_dir(out_dir)
    config["metrics"]["probe_accuracy"] = round(model_accuracy(saved, probe), 4)
    config["metrics"]["probe_size"] = len(probe)
    scores = pair_scores(saved)
    config["pairs_failed"] = scores.pop("failed")
    config["metrics"].update(scores)
    m = config["metrics"]
    log(f"{common.TEST_LINE}{name}: test {test_acc:.4f} valid {best:.4f} probe {m['probe_accuracy']:.4f} "
        f"pairs {m['pairs_wholly_right']:.4f} {m['pairs_by_kind']}")
    common.write_asset(out_dir, net, config, card(config))
    return config


KIND_NAMES = {"negation": "not + adjective", "contracted": "isn't / don't / can't ...",
              "not-at-all": "not ... at all", "never-no": "never / no / nothing / nobody",
              "but": "contrast with but", "although": "although / though / yet / despite",
              "expectation": "expectation reversed", "double-negation": "double negation",
              "intensifier": "hardly / barely / far from / much less", "one-word": "one word decides",
              "long": "negation in a longer sentence", "question": "questions and exclamations"}


def choice(hp: dict, tr: dict) -> str:
    """The card's words for the optional recipe keys: weight averaging, seeds, the student."""
    words = ""
    if hp.get("swa_start"):
        words += f"; weights averaged from epoch {hp['swa_start']} on (kept when the average scores higher)"
    tried = tr.get("seeds_tried")
    if tried:
        runs = ", ".join(f"{'student ' if c.get('student') else ''}seed {c['seed']} valid {c['valid_accuracy']:.4f} "
                         f"dev pairs {c['dev_pairs']:.4f}" for c in tried)
        words += (f"; {len(tried)} runs ({runs}), the one kept: the best validation accuracy among those "
                  f"with ≥ {DEV_PAIRS_BAR:.0%} of the development pairs (`tests/data/sentiment_dev_pairs.tsv`) "
                  f"wholly right, never a test number")
        if hp.get("distill"):
            where = ("every crowd-rated training sentence (the rule-built items keep their exact labels)"
                     if hp.get("distill_rated_only") else "every training item")
            words += (f"; the student learnt from the seeds' mean prediction on {where} "
                      f"(weight {hp['distill']}) beside the labels")
    return words


def card(config: dict) -> str:
    hp, m, tr = config["hyper_parameters"], config["metrics"], config["training"]
    bi = "bidirectional " if config["bidirectional"] else ""
    items = config["data"].get("training_items", {})
    kinds = "\n".join(f"| {KIND_NAMES.get(k, k)} | {r} / {n} |" for k, (r, n) in m["pairs_by_kind"].items())
    text = {pair: " / ".join(f"“{t}”" for t, _ in rows) for pair, _k, rows in read_pairs()}
    failed = config.get("pairs_failed", [])
    failed = ("; ".join(f"{p} {text[p]}" for p in failed) if len(failed) <= 30
              else ", ".join(failed)) or "none"
    return f"""
# {config['name']}

**Task.** N→1: is a movie-review sentence negative or positive?
**Model.** Word embedding {hp['embedding_dim']} (vocabulary: the {len(config['vocab']['itos']) - 2:,} most
frequent lower-cased training words seen ≥ {hp['min_count']}×, plus `<pad>` and `<unk>` for all others) → one {bi}`nn.{config['cell']}` layer, hidden
{hp['hidden_size']} → linear head on the final hidden state{'s (forward at the last word ⊕ backward at the first)' if config['bidirectional'] else ''}
→ softmax over [negative, positive]. {config['params']:,} parameters.

**Metrics.**
- Official test accuracy **{m['test_accuracy']:.4f}** on {m['test_size']} held-out movie-review sentences
  (validation {m['valid_accuracy']:.4f}; the split is the same as for every earlier model).
- Minimal pairs wholly right: **{m['pairs_wholly_right']:.4f}** of {m['pairs_size']} hand-written pairs
  (`tests/data/sentiment_minimal_pairs.tsv`: two sentences one or two words apart with opposite
  labels, both must be right), by kind:

| kind | pairs wholly right |
|---|---|
{kinds}

  Pairs it gets wrong: {failed}.
- Probe set: {m['probe_accuracy']:.4f} on the repo's own {m['probe_size']} sentences (`tests/data/sentiment_probe.tsv`).

**Data.** VADER ground truth (Hutto & Gilbert, ICWSM 2014) from the PyPI sdist
`vaderSentiment==3.3.2` (every file's sha256 in config.json); mean rating > +0.5 positive, < −0.5
negative. Validation and test: the movie-review snippets, 80/10/10 split with seed
{hp['split_seed']}. Training items ({sum(items.values()):,}): {', '.join(f'{k} {v:,}' for k, v in items.items())} —
the movie training split, the study's Amazon / NYT-editorial / tweet snippets, the VADER lexicon's
polar words (|mean| ≥ {hp['lexicon_min_abs']}, alone, after an intensifier or an affirming word), and
sentences built by rule from those: negation and contrast (`rnnviz/train/augment.py`), verbs of
liking and double negation (`rnnviz/train/scope.py`). The texts are
not redistributed (licence unclear): the training command fetches them.
**Firewall.** The minimal pairs were written by hand before the augmentation rules, are never read
by the training command (not for training, not for early stopping, which uses the movie validation
split only), and `tests/models/test_shipped_models.py` checks that none of their sentences occurs in the training
items the command builds.
**Training.** AdamW lr {hp['lr']}, weight decay {hp['weight_decay']}, dropout {hp['dropout']}, word
dropout {hp['word_dropout']}, batch {hp['batch_size']}, early stopping on validation accuracy
(patience {hp['patience']}) after {tr['epochs_run']} epochs, seed {tr.get('seed', hp['seed'])}{choice(hp, tr)}; {tr['seconds']:.0f} s wall-clock,
**{tr['cpu_seconds']:.0f} s CPU** (all runs), 1 thread of a shared 2-core machine.
**Limitations.** Rated snippets of 2000s film criticism, products, editorials and tweets: it keys on
sentiment words and the negation / contrast words it was shown, can miss sarcasm and world
knowledge. Words outside the vocabulary are `<unk>`.
**Reproduce.** `python -m rnnviz.train {config['name']}`.
"""
