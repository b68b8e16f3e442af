"""Streamlit glue of the lab: one class queue per server, this session's tickets, what to show.

- ``scheduler()``: one :class:`rnnviz.lab.scheduler.Scheduler` per server process
  (``st.cache_resource``), ``RNNVIZ_LAB_WORKERS`` trainings at once (default 2: one per core of the
  hosting machine) and a hard cap of ``RNNVIZ_LAB_MAX_SECONDS`` wall seconds per training (default 90).
  Shipped runs (assets/lab) answer at once.
- The session keeps its request's tickets (``st.session_state``: one, or three for a race, each
  its own job in the queue) and the runs it received (the last few only); the page polls the
  tickets with ``st.fragment(run_every=...)`` — the poll is also the heartbeat that tells the queue
  the learner is still there (a closed tab stops polling and frees the slot).
"""

from __future__ import annotations

import os
import time
import uuid

import streamlit as st

from rnnviz.lab import runs
from rnnviz.lab.scheduler import Scheduler, Ticket
from rnnviz.lab.training import LabRun, config_key, resolve_options

WORKERS = int(os.environ.get("RNNVIZ_LAB_WORKERS", "2"))
MAX_SECONDS = float(os.environ.get("RNNVIZ_LAB_MAX_SECONDS", "90"))
STOP_WAIT_SECONDS = 5.0  # Stop waits this long for the stopped run (one training step, normally ms)
KEPT_RUNS = 6            # finished runs a session keeps (small models: ~0.3 MB each)
SESSION, TICKETS, RESULTS = "_lab_session", "_lab_tickets", "_lab_results"
STOPPED, FAILED = "_lab_stopped", "_lab_failed"   # the current request's stopped runs, its failure


def shipped(task: str, cell: str, seed: int, options: dict) -> LabRun | None:
    name = runs.find_shipped(task, cell, seed, options)
    return runs.load_run(name) if name else None


@st.cache_resource(show_spinner=False)
def scheduler() -> Scheduler:
    return Scheduler(workers=WORKERS, max_seconds=MAX_SECONDS, shipped=shipped)


def session_id() -> str:
    if SESSION not in st.session_state:
        st.session_state[SESSION] = uuid.uuid4().hex
    return st.session_state[SESSION]


def key_of(config: tuple) -> tuple:
    task, cell, seed, options = config
    _, opts = resolve_options(task, cell, seed, **options)
    return config_key(task, cell, seed, opts)


def known_run(config: tuple) -> LabRun | None:
    """A run of this configuration this session already has, or a shipped one."""
    key = key_of(config)
    found = st.session_state.get(RESULTS, {}).get(key)
    if found is not None:
        return found
    task, cell, seed, options = config
    _, opts = resolve_options(task, cell, seed, **options)
    return shipped(task, cell, seed, opts)


def keep(run: LabRun, config: tuple) -> None:
    kept = dict(st.session_state.get(RESULTS, {}))
    kept.pop(key_of(config), None)
    kept[key_of(config)] = run
    while len(kept) > KEPT_RUNS:
        kept.pop(next(iter(kept)))
    st.session_state[RESULTS] = kept


def start(configs: list[tuple]) -> None:
    """Train these configurations as one request: the race's cells are separate jobs in the class
    queue, so a free second core trains one while the first trains another."""
    stop()
    st.session_state[STOPPED] = {}
    tickets = scheduler().submit_group(session_id(), list(configs))
    st.session_state[TICKETS] = list(zip(configs, tickets))
    advance()


def _collect(config: tuple, ticket: Ticket) -> None:
    """A ticket that ended: keep a finished run, remember a stopped one, note a failure."""
    if ticket.state == "failed":
        st.session_state[FAILED] = ticket.error or "failed"
    elif ticket.result is not None and ticket.result.stopped is None:
        keep(ticket.result, config)
    elif ticket.result is not None:
        st.session_state.setdefault(STOPPED, {})[key_of(config)] = ticket.result


def advance() -> list[tuple[tuple, Ticket]]:
    """Poll this session's tickets (the heartbeat), collect the ended ones. -> [(config, ticket)]
    still queued or running, in the order they were asked for."""
    active = []
    for config, ticket in st.session_state.get(TICKETS, []):
        if ticket.poll().active:
            active.append((config, ticket))
        else:
            _collect(config, ticket)
    st.session_state[TICKETS] = active
    return active


def active() -> list[tuple[tuple, Ticket]]:
    """This session's queued or running trainings (no polling)."""
    return [(c, t) for c, t in st.session_state.get(TICKETS, []) if t.active]


def failure() -> str | None:
    """The message of a training of the current request that failed, if any."""
    return st.session_state.get(FAILED)


def stop() -> None:
    """Stop: withdraw every active ticket of this session; keep what the stopped ones learned."""
    entries = st.session_state.get(TICKETS, [])
    for _, ticket in entries:
        if ticket.active:
            ticket.stop()
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for config, ticket in entries:
        ticket.wait(max(deadline - time.monotonic(), 0.0))   # the worker hands over at its next step
        if not ticket.active:
            _collect(config, ticket)
    st.session_state[TICKETS] = []
    st.session_state[FAILED] = None


def resolve_steps(config: tuple) -> int:
    task, cell, seed, options = config
    return resolve_options(task, cell, seed, **options)[1]["steps"]


def stopped_run(config: tuple) -> LabRun | None:
    """What a stopped training of this configuration learned (shown, never shared or cached)."""
    return st.session_state.get(STOPPED, {}).get(key_of(config))


def shown_run(config: tuple) -> LabRun | None:
    """What the page shows for a configuration: a finished run (this session's or shipped), else
    what a stopped training learned."""
    return known_run(config) or stopped_run(config)


def answer_text(model, trace) -> str:
    """The network's output at the probe's last step: the top class and its probability, or the
    flip-flop's three values."""
    y = model.readout(trace)[-1]                                          # (n_outputs,)
    names = model.lab_task.outputs
    if model.lab_task.kind == "classify":
        best = int(y.argmax())
        return f"{names[best]} ({y[best]:.2f})"
    return ", ".join(f"{v:+.2f}" for v in y)


def sweep_table(data: dict) -> list[dict]:
    """Lag × cell: mean held-out accuracy over seeds, and each seed's."""
    from rnnviz.i18n import t

    table = []
    for lag in data["lags"]:
        row = {t("lab.lag"): lag}
        for cell in data["cells"]:
            accs = [r["final_accuracy"] for r in data["rows"] if r["cell"] == cell and r["lag"] == lag]
            if accs:
                row[cell] = f"{sum(accs) / len(accs):.2f} ({' / '.join(f'{a:.2f}' for a in accs)})"
        table.append(row)
    return table
