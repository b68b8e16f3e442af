"""The lab's training loop: Adam, gradient-norm clipping, held-out accuracy as it goes.

    from rnnviz.lab import train
    run = train("delayed-recall", "GRU", seed=0, lag=100)
    run.final_accuracy          # held-out accuracy (float)
    run.history                 # [{"step", "loss", "accuracy", "seconds", "cpu_seconds"}, ...]
    run.checkpoints             # [(step, state_dict), ...] — at least 10, step 0 and the last included
    run.model.trace("Bwxyz?")   # a rnnviz.models.Model (LabModel): trace / readout like any view

Loss: cross-entropy on the scored positions (classification tasks) or squared error (flip-flop),
minimised with Adam (Kingma & Ba 2015); the gradient's global norm is clipped to ``clip``
(Pascanu, Mikolov & Bengio 2013) so an exploding RNN step cannot throw the weights away.

Reproducible: data by (seed, step), weights from a generator seeded by ``seed`` (never torch's
global stream, so threads do not interfere); on one CPU thread the same call gives bitwise the
same weights and history. ``progress(run)`` is called after every evaluation (the live curve);
``stop()`` returning True, or ``max_seconds`` of wall time, ends the run early
(``run.stopped`` says why) — what was learned so far is still a complete run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from rnnviz.lab.model import GATE_BIAS, LabModel, LabNet, initialise, state_dict_of
from rnnviz.lab.tasks import HELDOUT_SEED, Task, make_task

CELLS = ("RNN", "LSTM", "GRU")
N_CHECKPOINTS = 12          # step 0, the last step and ten between
N_EVALS = 40                # points on the live curve at most
EVAL_SPACING = 10           # training steps between curve points at least (see eval_steps)
EVAL_SIZE = 256             # held-out sequences per point of the curve
FINAL_SIZE = 1024           # held-out sequences for the final accuracy


@dataclass
class LabRun:
    task: str
    cell: str
    seed: int
    options: dict                                   # everything needed to reproduce the run
    history: list[dict] = field(default_factory=list)
    checkpoints: list[tuple[int, dict]] = field(default_factory=list)
    final_accuracy: float | None = None
    seconds: float = 0.0                            # wall time
    cpu_seconds: float = 0.0                        # CPU time of the training thread
    stopped: str | None = None                      # None | "stop" | "time"
    model: LabModel | None = None
    metrics: dict = field(default_factory=dict)     # heldout_accuracy, train_distribution_accuracy

    @property
    def key(self) -> tuple:
        return config_key(self.task, self.cell, self.seed, self.options)

    @property
    def step(self) -> int:
        return self.history[-1]["step"] if self.history else 0

    @property
    def steps(self) -> int:
        return self.options["steps"]

    def model_at(self, index: int) -> LabModel:
        """The network as it was at checkpoint ``index`` (for the scrubber)."""
        step, weights = self.checkpoints[index]
        return LabModel(f"{self.name}@{step}", make_task(self.task, self.options.get("lag")), self.cell,
                        weights, options=self.options)

    @property
    def title(self) -> str:
        lag = f", lag {self.options['lag']}" if self.options.get("lag") is not None else ""
        return f"Lab: {self.task}{lag}, {self.cell}, seed {self.seed}"

    @property
    def name(self) -> str:
        lag = f"-lag{self.options['lag']}" if self.options.get("lag") is not None else ""
        return f"lab-{self.task}{lag}-{self.cell.lower()}-seed{self.seed}"


def resolve_options(task: str, cell: str, seed: int = 0, **options) -> tuple[Task, dict]:
    """The task and the complete, validated option dict (defaults filled in)."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}.")
    if not isinstance(seed, int) or not 0 <= seed <= 10_000:
        raise ValueError(f"seed must be an integer 0 … 10000, got {seed!r}.")
    spec = make_task(task, options.pop("lag", None))
    unknown = set(options) - {"hidden_size", "lr", "steps", "batch_size", "gate_bias", "clip"}
    if unknown:
        raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}.")
    full = {**spec.defaults, "gate_bias": "chrono", "clip": 1.0, **options}
    if spec.name == "delayed-recall":
        full["lag"] = spec.params["lag"]
    checks = {"hidden_size": (1, 256), "steps": (N_CHECKPOINTS, 20_000), "batch_size": (1, 512)}
    for name, (lo, hi) in checks.items():
        full[name] = int(full[name])
        if not lo <= full[name] <= hi:
            raise ValueError(f"{name} must be between {lo} and {hi}, got {full[name]}.")
    full["lr"], full["clip"] = float(full["lr"]), float(full["clip"])
    if not 0 < full["lr"] <= 1:
        raise ValueError(f"lr must be in (0, 1], got {full['lr']}.")
    if full["gate_bias"] not in GATE_BIAS:
        raise ValueError(f"gate_bias must be one of {GATE_BIAS}, got {full['gate_bias']!r}.")
    if cell == "RNN":
        full["gate_bias"] = "default"       # no gate to bias: every option is the same RNN
    return spec, dict(sorted(full.items()))


def config_key(task: str, cell: str, seed: int, options: dict) -> tuple:
    """Identical keys <=> identical runs (training is deterministic)."""
    return (task, cell, seed, tuple(sorted(options.items())))


def _schedule(steps: int, n: int) -> list[int]:
    """n+1 distinct steps from 0 to ``steps``, evenly spread."""
    return sorted({round(i * steps / n) for i in range(n + 1)})


def eval_steps(steps: int) -> list[int]:
    """The steps of the live curve's points: every ``EVAL_SPACING`` steps, at most ``N_EVALS`` + 1.

    Why a spacing and not a fixed count: a point costs one forward pass over ``EVAL_SIZE`` held-out
    sequences, about the CPU of 0.7 training steps of 64 (bench/bench_lab.py). A fixed 40 points cost
    28 steps' worth whatever the budget — 7 % of 400 steps but 14 % of 200 and 28 % of 100. A point every
    10 steps keeps the curve's share of the CPU at ≈ 7 % at every budget up to 400, and less above."""
    return _schedule(steps, min(N_EVALS, max(1, steps // EVAL_SPACING)))


@torch.no_grad()
def evaluate(net: LabNet, task: Task, batch) -> float:
    return task.correct(net(batch.ids), batch)


def train(task: str, cell: str, seed: int = 0, *, progress: Callable[[LabRun], None] | None = None,
          stop: Callable[[], bool] | None = None, max_seconds: float | None = None,
          **options) -> LabRun:
    """Train ``cell`` on ``task`` (options: lag, hidden_size, lr, steps, batch_size, gate_bias,
    clip; defaults per task) -> LabRun."""
    spec, opts = resolve_options(task, cell, seed, **options)
    generator = torch.Generator().manual_seed(seed)
    net = LabNet(spec, cell, opts["hidden_size"])
    initialise(net, spec, cell, opts["gate_bias"], generator)
    params = [p for p in net.parameters() if p.requires_grad]
    optimiser = torch.optim.Adam(params, lr=opts["lr"])
    run = LabRun(spec.name, cell, seed, opts)
    curve_set, final_set = spec.heldout(EVAL_SIZE), spec.heldout(FINAL_SIZE)
    evals = set(eval_steps(opts["steps"]))
    saves = set(_schedule(opts["steps"], N_CHECKPOINTS - 1))
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    loss_sum, loss_n = 0.0, 0

    def record(step: int) -> None:
        nonlocal loss_sum, loss_n
        run.seconds, run.cpu_seconds = time.perf_counter() - wall0, time.thread_time() - cpu0
        if step in saves or run.stopped:
            run.checkpoints.append((step, state_dict_of(net)))
        if step in evals or run.stopped:
            net.eval()
            run.history.append({"step": step, "loss": loss_sum / loss_n if loss_n else None,
                                "accuracy": evaluate(net, spec, curve_set),
                                "seconds": round(run.seconds, 3), "cpu_seconds": round(run.cpu_seconds, 3)})
            net.train()
            loss_sum, loss_n = 0.0, 0
            if progress is not None:
                progress(run)

    record(0)
    for step in range(1, opts["steps"] + 1):
        batch = spec.batch(seed, step, opts["batch_size"])
        loss = spec.loss(net(batch.ids), batch)                            # (T, B, K) -> scalar
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, opts["clip"])
        optimiser.step()
        loss_sum, loss_n = loss_sum + loss.item(), loss_n + 1
        if stop is not None and stop():
            run.stopped = "stop"
        elif max_seconds is not None and time.perf_counter() - wall0 > max_seconds:
            run.stopped = "time"
        if step in saves or step in evals or run.stopped:
            record(step)
        if run.stopped:
            break
    net.eval()
    run.final_accuracy = evaluate(net, spec, final_set)
    run.metrics = {"heldout_accuracy": run.final_accuracy}
    if spec.heldout_shift:
        # Fresh strings from the training distribution (a seed no run uses) where the held-out set is
        # harder (aⁿbⁿ: n = 21 … 40, longer than any trained on). Elsewhere the held-out set is drawn
        # from the training distribution already, and a second sample would only cost CPU.
        run.metrics["train_distribution_accuracy"] = evaluate(net, spec, spec.batch(HELDOUT_SEED, 0, FINAL_SIZE))
    run.seconds, run.cpu_seconds = time.perf_counter() - wall0, time.thread_time() - cpu0
    run.model = LabModel(run.name, spec, cell, state_dict_of(net), options=opts, metrics=run.metrics,
                         title=run.title)
    return run
