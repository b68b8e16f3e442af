"""Train it yourself (issue 13): watch a cell learn to remember — or fail to.

Thin page: controls (all in the URL, keys lab_*) -> ``ui.lab`` (the class queue, this session's
ticket) -> ``rnnviz.lab`` runs -> ``rnnviz.plots.lab`` curves and the Gate Explorer's heatmaps of
the fixed probe sequence at each checkpoint. Opening the page shows the shipped race at lag 100
(assets/lab, made by ``python -m rnnviz.lab.precompute``); Train on a shipped configuration returns
it at once.
"""

from __future__ import annotations

import streamlit as st

from rnnviz.i18n import t
from rnnviz.lab import CELLS, GATE_BIAS, TASK_NAMES, make_task, runs
from rnnviz.plots import heatmaps, lab as plots
from ui import charts, params
from ui import lab as queue
from ui.safety import safe

MODES = ("race", "single", "sweep")
LAGS = (5, 10, 20, 40, 70, 100, 150, 200)
HIDDEN = ("auto", "1", "2", "4", "8", "16", "32", "64")
RATES = ("auto", "0.001", "0.003", "0.01", "0.03")
STEPS = ("auto", "100", "200", "400", "800", "1500", "3000")
# What the checkpoint heatmaps show: the keep gate and the state it keeps.
SHOWN = {"LSTM": ("forget_gate", "input_gate", "cell_state"), "GRU": ("update_gate", "hidden_state"),
         "RNN": ("hidden_state",)}
REFRESH_SECONDS = 1.0


def controls() -> tuple[str, list[tuple], dict]:
    """The widgets -> (mode, configurations to show/train, options)."""
    mode = params.bound(st.segmented_control, t("lab.mode"), key="lab_mode", default="race",
                        parse=params.choice(MODES), options=MODES, format_func=lambda m: t(f"lab.mode_{m}"),
                        required=True)
    if mode == "sweep":
        return mode, [], {}
    cols = st.columns([1.4, 1.2, 1.6, 0.8, 0.8, 0.8], vertical_alignment="bottom")  # buttons level with the inputs
    task = params.bound(cols[0].selectbox, t("lab.task"), key="lab_task", default="delayed-recall",
                        parse=params.choice(TASK_NAMES), options=TASK_NAMES, format_func=lambda k: t(f"lab.task_{k}"))
    cells = CELLS
    if mode == "single":
        cell = params.bound(cols[1].selectbox, t("lab.cell"), key="lab_cell", default="LSTM",
                            parse=params.choice(CELLS), options=CELLS)
        cells = (cell,)
    else:
        cols[1].markdown(t("lab.race_cells"))
    options: dict = {}
    if task == "delayed-recall":
        options["lag"] = params.bound(cols[2].select_slider, t("lab.lag"), key="lab_lag", default=100,
                                      parse=lambda raw: LAGS[LAGS.index(int(raw))], options=LAGS,
                                      help=t("lab.lag_help"))
    seed = params.bound(cols[3].number_input, t("lab.seed"), key="lab_seed", default=0,
                        parse=params.integer(0, 99), min_value=0, max_value=99, step=1)
    with st.expander(t("lab.options"), expanded=False):
        o1, o2, o3, o4 = st.columns(4)
        defaults = make_task(task, options.get("lag")).defaults
        hidden = params.bound(o1.selectbox, t("lab.hidden_size"), key="lab_hidden", default="auto",
                              parse=params.choice(HIDDEN), options=HIDDEN,
                              format_func=lambda v: t("lab.auto", value=defaults["hidden_size"]) if v == "auto" else v)
        lr = params.bound(o2.selectbox, t("lab.lr"), key="lab_lr", default="auto", parse=params.choice(RATES),
                          options=RATES, format_func=lambda v: t("lab.auto", value=defaults["lr"]) if v == "auto" else v)
        steps = params.bound(o3.selectbox, t("lab.steps"), key="lab_steps", default="auto",
                             parse=params.choice(STEPS), options=STEPS,
                             format_func=lambda v: t("lab.auto", value=defaults["steps"]) if v == "auto" else v)
        bias = params.bound(o4.selectbox, t("lab.gate_bias"), key="lab_init", default="chrono",
                            parse=params.choice(GATE_BIAS), options=GATE_BIAS,
                            format_func=lambda v: t(f"lab.gate_bias_{v}"), help=t("lab.gate_bias_help"))
    for name, value, cast in (("hidden_size", hidden, int), ("lr", lr, float), ("steps", steps, int)):
        if value != "auto":
            options[name] = cast(value)
    options["gate_bias"] = bias
    with cols[4]:
        if st.button(t("lab.train"), key="lab_train", type="primary", icon=":material/play_arrow:"):
            queue.start([(task, cell, seed, dict(options)) for cell in cells])
    with cols[5]:
        if st.button(t("lab.stop"), key="lab_stop", icon=":material/stop:", disabled=not queue.active()):
            queue.stop()
    return mode, [(task, cell, seed, dict(options)) for cell in cells], options


def status_line(config: tuple, ticket) -> None:
    """One line per training of this request: its queue position, or its progress."""
    if ticket.state == "queued":
        st.info(t("lab.queued", cell=config[1], position=ticket.position), icon=":material/hourglass_top:")
        return
    step = ticket.history[-1]["step"] if ticket.history else 0
    st.progress(min(step / max(ticket.steps, 1), 1.0),
                text=t("lab.running", cell=config[1], step=step, steps=ticket.steps))


def curves(configs: list[tuple], live: dict | None = None) -> None:
    """The loss / accuracy curves; ``live``: key -> history of a training still running."""
    task = make_task(configs[0][0], configs[0][3].get("lag"))
    live = live or {}
    rows = []
    for config in configs:
        key = queue.key_of(config)
        if key in live:
            rows.append((config[1], live[key]))
            continue
        run = queue.shown_run(config)
        if run is not None:
            rows.append((config[1], run.history))
    steps = max([queue.resolve_steps(c) for c in configs])
    chance = 1.0 / task.n_outputs if task.name == "delayed-recall" else None
    charts.show(plots.curves_figure(rows, chance=chance, total_steps=steps), key="lab-curves")


def live(configs: list[tuple]) -> None:
    """Polled while a training of this session is queued or running (the heartbeat too). A race's
    cells are separate jobs: each has its line, and a cell that finished shows its whole curve."""
    entries = queue.advance()
    if not entries:
        st.rerun()                      # finished: the full page draws the results and the scrubber
    for column, (config, ticket) in zip(st.columns(len(entries)), entries):   # side by side: the curves stay
        with column:                                                          # on the first screen
            status_line(config, ticket)
    curves(configs, live={queue.key_of(config): ticket.history for config, ticket in entries})


def results_table(configs: list[tuple]) -> None:
    rows = []
    for config in configs:
        run = queue.shown_run(config)
        if run is None:
            continue
        source = ("lab.source_stopped" if run.stopped else "lab.source_shipped"
                  if runs.find_shipped(run.task, run.cell, run.seed, run.options) else "lab.source_trained")
        rows.append({t("lab.col_cell"): config[1], t("lab.col_accuracy"): round(run.final_accuracy, 3),
                     t("lab.col_steps"): run.step, t("lab.col_seconds"): round(run.seconds, 1),
                     t("lab.col_cpu"): round(run.cpu_seconds, 1), t("lab.col_source"): t(source)})
    if rows:
        st.dataframe(rows, hide_index=True, width="content")


def scrubber(configs: list[tuple]) -> None:
    available = [(c, queue.shown_run(c)) for c in configs]
    available = [(c, r) for c, r in available if r is not None and r.checkpoints]
    if not available:
        st.info(t("lab.press_train"), icon=":material/play_arrow:")
        return
    names = [c[1] for c, _ in available]
    left, right = st.columns([1, 3])
    chosen = params.bound(left.segmented_control, t("lab.inspect"), key="lab_inspect",
                          default=names[-1] if "GRU" not in names else "GRU", parse=params.choice(names),
                          options=names, required=True) if len(names) > 1 else names[0]
    config, run = available[names.index(chosen)]
    steps = [s for s, _ in run.checkpoints]
    index = params.bound(right.select_slider, t("lab.checkpoint"), key="lab_ckpt", default=len(steps) - 1,
                         parse=params.integer(0, len(steps) - 1), options=list(range(len(steps))),
                         format_func=lambda i: t("lab.checkpoint_step", step=steps[i]), help=t("lab.checkpoint_help"))
    model = run.model_at(index)
    probe = model.lab_task.probe()
    tokens = model.tokens(probe)
    tr = model.trace(tokens)
    st.caption(t("lab.probe_caption", cell=run.cell, step=steps[index], answer=queue.answer_text(model, tr)))
    if run.cell == "GRU":
        st.caption(t("lab.gru_convention"))
    grid = heatmaps.layer_specs(lambda name, layer, d: tr.get(name, layer, d), SHOWN[run.cell], tokens,
                               num_layers=1, num_directions=1, outline=charts.outline_colour(),
                               max_labels=heatmaps.MAX_TICK_LABELS // 3)  # side by side: a third of the width each
    cols = st.columns(len(grid[0]))
    for column, (name, spec) in zip(cols, grid[0]):
        with column:
            charts.show(spec, key=f"lab-heatmap-{name}")


def sweep_view() -> None:
    data = runs.sweep()
    if not data:
        st.warning(t("lab.no_sweep"))
        return
    charts.show(plots.sweep_figure(data["rows"], data["cells"], data["lags"], chance=0.25), key="lab-sweep")
    st.caption(t("lab.sweep_caption", steps=data["options"]["steps"], hidden=data["options"]["hidden_size"],
                 seeds=", ".join(map(str, data["seeds"]))))
    st.dataframe(queue.sweep_table(data), hide_index=True, width="content")


def found_note() -> None:
    numbers = runs.findings()
    if numbers:
        st.markdown(t("lab.found", **{k: f"{v:.2f}" if isinstance(v, float) else v for k, v in numbers.items()}))


@safe
def render() -> None:
    st.title(t("lab.title"))
    st.caption(t("lab.intro"))
    mode, configs, _ = controls()
    if mode == "sweep":
        sweep_view()
        found_note()
        return
    if queue.active():
        st.fragment(run_every=REFRESH_SECONDS)(live)(configs)
    else:
        queue.advance()
        if queue.failure():
            st.error(t("lab.failed"))
        curves(configs)
    results_table(configs)
    scrubber(configs)
    found_note()


render()
