"""Shared training plumbing: seeding, early stopping, writing an asset directory."""
from __future__ import annotations

import json
import platform
import random
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "assets" / "models"


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def n_params(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


class Timer:
    """Wall-clock seconds, and CPU seconds of this process: on a shared machine the wall clock
    depends on the neighbours, the CPU time is the cost of the training itself."""

    def __init__(self):
        self.start, self.cpu_start = time.perf_counter(), time.process_time()

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self.start, 1)

    @property
    def cpu_seconds(self) -> float:
        return round(time.process_time() - self.cpu_start, 1)


def environment() -> dict:
    return {"torch": torch.__version__, "python": platform.python_version(),
            "threads": torch.get_num_threads(), "machine": platform.machine()}


def write_asset(out_dir: Path, module: torch.nn.Module, config: dict, card: str) -> Path:
    """model.safetensors (float32 state dict, contiguous) + config.json + card.md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().float().contiguous() for k, v in module.state_dict().items()}
    save_file(tensors, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    return write_config(out_dir, config, card)


# the app lists the first three numbers of "metrics" beside a model's name (ui.models.format_metrics)
HEADLINE_METRICS = ("test_accuracy", "pairs_wholly_right", "probe_accuracy", "test_bits_per_char",
                    "ood_bits_per_char", "ngram_ood_bits_per_char")


def write_config(out_dir: Path, config: dict, card: str) -> Path:
    """config.json (with the size of the weights file beside it, headline metrics first) + card.md."""
    config = dict(config)
    if "metrics" in config:
        m = config["metrics"]
        config["metrics"] = {**{k: m[k] for k in HEADLINE_METRICS if k in m},
                             **{k: v for k, v in m.items() if k not in HEADLINE_METRICS}}
    config["size_bytes"] = (out_dir / "model.safetensors").stat().st_size
    (out_dir / "config.json").write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    (out_dir / "card.md").write_text(card.strip() + "\n", encoding="utf-8")
    return out_dir


def log(*args):
    print(*args, flush=True)


# Firewall (issue 11): a line that reports held-out TEST numbers starts with TEST_LINE, and
# TEST_METRICS name the metrics that are test numbers, so a recipe can be chosen without seeing
# them (python -m rnnviz.train --quiet-test, bench/sentiment_recipes.py).
TEST_LINE = "[test] "
TEST_METRICS = ("test_", "pairs_", "ood_", "ngram_")


def without_test_lines(log):
    """``log`` with every TEST_LINE dropped."""
    return lambda *args: None if str(args[0]).startswith(TEST_LINE) else log(*args)


def without_test_metrics(metrics: dict) -> dict:
    """The metrics that are not test numbers (validation, development pairs, sizes)."""
    return {k: v for k, v in metrics.items() if not k.startswith(TEST_METRICS)}
