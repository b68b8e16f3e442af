"""Try a sentiment training recipe without touching assets/: train into a temporary directory and
print what decides between recipes — validation accuracy and the DEVELOPMENT pairs — beside the
numbers the tests check (official test accuracy, minimal pairs).

    python bench/sentiment_recipes.py lstm scope            # one cell, one named recipe
    python bench/sentiment_recipes.py gru '{"verbs": 2000}'  # or a JSON dict over sentiment.HYPER
    python bench/sentiment_recipes.py gru movie2 --show-test # the test numbers too (after choosing)

Firewall (issue 11): choose a recipe on `valid` and `dev` only. The official test split and the
minimal pairs (tests/data/sentiment_minimal_pairs.tsv) are the test set: withheld unless
--show-test, never the criterion; the development pairs (tests/data/sentiment_dev_pairs.tsv)
share no sentence with them.
Training runs on one thread; the config records wall and CPU seconds.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz.models import load_dir  # noqa: E402
from rnnviz.train import common, sentiment  # noqa: E402

DEV_PAIRS = sentiment.DEV_PAIRS
# The recipes tried in issue 11 (numbers in the README and the closing notes), as overrides of
# sentiment.HYPER (the shipped recipe: scope rules, weight averaging, three seeds + a student taught
# on the crowd-rated sentences).
ONE_RUN = {"seeds": 1, "distill": 0}
RECIPES = {
    "shipped": {},
    "previous": {"max_vocab": 12000, "max_epochs": 10, "patience": 2, "downtoners": False, "verbs": 0,
                 "double_negation": 0, "swa_start": 0, **ONE_RUN},       # the models shipped before
    "scope": {"swa_start": 0, **ONE_RUN},                                  # the rules alone, one run
    "no-student": {"distill": 0},                                          # three seeds, no student
    "seeds5": {"seeds": 5},                                                # five teachers, then the student
    "distill03": {"distill": 0.3},                                         # the teachers' targets weigh less
    "movie2": {"distill": 0, "movie_repeat": 2},                           # movie sentences twice
    "every-item-student": {"distill_rated_only": False},                   # soft targets on rule-built items too
    "h128": {"hidden_size": 128, "swa_start": 0, **ONE_RUN},
    "long": {"hidden_size": 128, "neutral_share": 0.25, "swa_start": 0, **ONE_RUN},
    "decay": {"lr_decay": 0.85, "swa_start": 0, **ONE_RUN},
    # the raters' mean score as the target (σ(2·rating)), and the sentences the ±0.5 labelling drops
    "ratings": {"rating_targets": 2.0, "neutral_snippets": True},
}
CELLS = {"rnn": ("RNN", False), "lstm": ("LSTM", False), "gru": ("GRU", False),
         "bilstm": ("LSTM", True), "bigru": ("GRU", True)}


def main(cell: str, recipe: str, show_test: bool = False) -> None:
    """Train and print what decides between recipes (validation, development pairs); the test
    numbers (official split, minimal pairs) only with --show-test, once the choice is made."""
    torch.set_num_threads(1)
    overrides = RECIPES[recipe] if recipe in RECIPES else json.loads(recipe)
    out = Path(tempfile.mkdtemp(prefix=f"rnnviz-recipe-{cell}-"))
    # the trainer's last line reports the test numbers: withheld unless asked for
    log = common.log if show_test else common.without_test_lines(common.log)
    config = sentiment.train(*CELLS[cell], out, recipe=overrides, log=log)
    dev = sentiment.pair_scores(load_dir(out), sentiment.read_pairs(DEV_PAIRS))
    print("dev pairs failed:", " | ".join(" / ".join(t for t, _ in rows) for p, _k, rows in
                                          sentiment.read_pairs(DEV_PAIRS) if p in dev["failed"]))
    m, tr = config["metrics"], config["training"]
    report = {"cell": cell, "recipe": overrides, "valid": m["valid_accuracy"],
              "dev_pairs": dev["pairs_wholly_right"], "dev_by_kind": dev["pairs_by_kind"],
              "cpu_seconds": tr["cpu_seconds"], "seconds": tr["seconds"],
              "weights_bytes": (out / "model.safetensors").stat().st_size, "dir": str(out)}
    if show_test:
        report |= {"test": m["test_accuracy"], "pairs": m["pairs_wholly_right"]}
    print(json.dumps(report))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--show-test"]
    main(args[0], args[1] if len(args) > 1 else "shipped", show_test="--show-test" in sys.argv)
