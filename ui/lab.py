"""Streamlit glue of the lab: one class queue per server, this session's ticket, what to show.

- ``scheduler()``: one :class:`rnnviz.lab.scheduler.Scheduler` per server process
  (``st.cache_resource``), ``RNNVIZ_LAB_WORKERS`` trainings at once (default 2: one per core of the
  hosting machine) and a hard cap of ``RNNVIZ_LAB_MAX_SECONDS`` wall seconds per training (default 90).
  Shipped runs (assets/lab) answer at once.
- The session keeps one ticket (``st.session_state``) and the runs it received (the last few only);
  the page polls the ticket with ``st.fragment(run_every=...)`` — the poll is also the heartbeat
  that tells the queue the learner is still there (a closed tab stops polling and frees the slot).
"""

from __future__ import annotations

import os
import uuid

import streamlit as st

from rnnviz.lab import runs
from rnnviz.lab.scheduler import Scheduler, Ticket
from rnnviz.lab.training import LabRun, config_key, resolve_options

WORKERS = int(os.environ.get("RNNVIZ_LAB_WORKERS", "2"))
MAX_SECONDS = float(os.environ.get("RNNVIZ_LAB_MAX_SECONDS", "90"))
STOP_WAIT_SECONDS = 5.0  # Stop waits this long for the stopped run (one training step, normally ms)
KEPT_RUNS = 6            # finished runs a session keeps (small models: ~0.3 MB each)
SESSION, TICKET, PENDING, RESULTS = "_lab_session", "_lab_ticket", "_lab_pending", "_lab_results"


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
    """Train these configurations one after another (one training per session at a time)."""
    stop()
    st.session_state[PENDING] = list(configs)
    advance()


def advance() -> Ticket | None:
    """Collect a finished ticket, submit the next pending configuration. -> the active ticket."""
    ticket: Ticket | None = st.session_state.get(TICKET)
    pending: list = st.session_state.get(PENDING, [])
    if ticket is not None and not ticket.poll().active:
        config = st.session_state.get("_lab_ticket_config")
        if ticket.result is not None and config is not None and ticket.result.stopped is None:
            keep(ticket.result, config)
        st.session_state["_lab_last"] = ticket
        st.session_state[TICKET] = ticket = None
    while ticket is None and pending:
        config = pending.pop(0)
        task, cell, seed, options = config
        ticket = scheduler().submit(session_id(), task, cell, seed, **options)
        st.session_state["_lab_ticket_config"] = config
        if ticket.active:
            st.session_state[TICKET] = ticket
        else:
            if ticket.result is not None:
                keep(ticket.result, config)
            ticket = None
    st.session_state[PENDING] = pending
    return ticket


def active_ticket() -> Ticket | None:
    ticket = st.session_state.get(TICKET)
    return ticket if ticket is not None and ticket.active else None


def active_config() -> tuple | None:
    return st.session_state.get("_lab_ticket_config") if active_ticket() is not None else None


def last_ticket() -> Ticket | None:
    return st.session_state.get("_lab_last")


def stop() -> None:
    """Stop: withdraw the active ticket and drop what was still pending."""
    st.session_state[PENDING] = []
    ticket = st.session_state.get(TICKET)
    if ticket is not None and ticket.active:
        ticket.stop()
        ticket.wait(STOP_WAIT_SECONDS)       # the worker hands over the partial run at its next step
        st.session_state["_lab_last"] = ticket
    st.session_state[TICKET] = None


def resolve_steps(config: tuple) -> int:
    task, cell, seed, options = config
    return resolve_options(task, cell, seed, **options)[1]["steps"]


def stopped_run(config: tuple) -> LabRun | None:
    """What a stopped training of this configuration learned (shown, never shared or cached)."""
    last = last_ticket()
    if last is None or last.result is None or last.result.stopped is None:
        return None
    return last.result if last.result.key == key_of(config) else None


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
