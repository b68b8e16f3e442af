"""Step through time: one cell, one step, one unit, with every number on the page.

Thin page: widgets -> ``ui.models.run_model`` (cached trace) -> ``rnnviz.core.stepping`` (the equations
recomputed from the weights, checked against the trace) and ``rnnviz.plots.diagram`` (cell, chain,
vector bars) -> draw. Play is bounded: a fragment reruns itself every PLAY_SECONDS only while
playing, one step per run, and stops by itself at the end of the reading order (at most T runs).
The backward direction of a bidirectional cell reads from the last token to the first, so its
"next" step is t − 1.
"""

from __future__ import annotations

import streamlit as st

from rnnviz import Trace, model_names, quantities
from rnnviz.analysis.defaults import striking_step_unit
from rnnviz.core import stepping
from rnnviz.i18n import t
from rnnviz.plots import diagram, heatmaps
from rnnviz.plots.tokens import visible_token
from ui import charts, language, lessons, models, params, widgets
from ui.safety import friendly_errors, safe
from ui.user_model import plain  # markdown-escape: tokens are shown as text, never as markup

PLAYING = "_step_through_playing"
PLAY_SECONDS = 1.2
DEFAULT_FOCUS = {cell: gate or "hidden_state" for cell, gate in quantities.KEEP_GATE.items()}


def first_step(direction: int, steps: int) -> int:
    return 0 if direction == 0 else steps - 1


def next_step(step: int, direction: int) -> int:
    """The next position in this direction's reading order."""
    return step + 1 if direction == 0 else step - 1


def _move(delta: int, steps: int, direction: int) -> None:
    st.session_state[PLAYING] = False
    step = int(st.session_state.get("step", 0)) + (delta if direction == 0 else -delta)
    st.session_state["step"] = min(steps - 1, max(0, step))


def _jump(position: int) -> None:
    st.session_state[PLAYING] = False
    st.session_state["step"] = position


def _play(steps: int, direction: int) -> None:
    step = int(st.session_state.get("step", 0))
    if not 0 <= next_step(step, direction) < steps:  # at the end: play again from the start
        st.session_state["step"] = first_step(direction, steps)
    st.session_state[PLAYING] = True


def _pause() -> None:
    st.session_state[PLAYING] = False


def striking_unit(run: Trace, tokens: list[str]) -> int:
    """The default unit: the one that changes most at the sentence's negation (or its busiest step),
    computed only when this session has no unit yet (rnnviz.analysis.defaults)."""
    if "unit" in st.session_state:
        return 0  # not used: the session's own value wins (ui.params.seed)
    return striking_step_unit({name: run.get(name, 0, 0) for name in run.quantities}, tokens)[1]


def model_caption(choice: models.Choice, model) -> None:
    if choice.trained:
        st.caption(t("step_through.model_trained", title=model_names.title(model.name, model.title),
                     task=model_names.task(model.task)))
    else:
        st.caption(t("step_through.model_untrained", cell=choice.cell))


def equations_latex(step_values: stepping.StepValues, focus: str) -> str:
    """All equations of the step in one aligned block (every '=' in one column); the focused
    quantity's lines in orange, a little space between equations."""
    rows = []
    for eq in step_values.equations:
        colour = (lambda x: r"\color{" + diagram.FOCUS + "}{" + x + "}") if eq.name == focus else (lambda x: x)
        for k, (lhs, rhs) in enumerate(eq.rows):
            rows.append((colour(lhs) if lhs else "", colour(rhs)))
        rows.append(("", ""))
    body = r" \\ ".join(f"{a} &{b}" for a, b in rows[:-1])
    return r"\small\begin{aligned}" + body + r"\end{aligned}"


def show_equations(step_values: stepping.StepValues, focus: str, cell: str) -> None:
    st.markdown(f"**{t('step_through.equations_heading', step=step_values.t, unit=step_values.unit)}**")
    st.latex(equations_latex(step_values, focus))
    error = step_values.max_error()
    if error <= 1e-5:
        st.caption(t("step_through.equations_check", error=max(error, 1e-12)))
    else:
        st.warning(t("step_through.equations_mismatch", error=error))
    meaning = dict(quantities.MEANING_KEYS[cell]).get(focus)
    if meaning:
        st.markdown(f"**{t(quantities.LABEL_KEY[focus])}** — {t(meaning)}")


def stepper(model, run: Trace, tokens: list[str], choice: models.Choice, layer: int, direction: int,
            unit: int, focus: str, timer: bool) -> None:
    """Buttons, slider, diagram, equations, chain and bars: the part that reruns while playing.

    ``timer``: whether this fragment was created with ``run_every``. Its buttons rerun only the
    fragment, which keeps the timer it was created with; so when Play or Pause changed what the
    timer should be, rerun the whole page to create the fragment again.
    """
    steps = len(tokens)
    if bool(st.session_state.get(PLAYING)) != timer:
        st.rerun(scope="app")
    if st.session_state.get(PLAYING):
        step = int(st.session_state.get("step", first_step(direction, steps)))
        following = next_step(step, direction)
        if 0 <= following < steps:
            st.session_state["step"] = following
        else:  # the end of the reading order: stop, and redraw the page without the timer
            st.session_state[PLAYING] = False
            st.rerun()

    playing = bool(st.session_state.get(PLAYING))
    buttons = st.columns([1, 1, 1.1, 1, 4.5], vertical_alignment="bottom")
    with buttons[0]:
        st.button(t("step_through.restart"), key="st_restart", icon=":material/first_page:",
                  on_click=_jump, args=(first_step(direction, steps),), width="stretch")
    with buttons[1]:
        st.button(t("step_through.back"), key="st_back", icon=":material/chevron_left:",
                  on_click=_move, args=(-1, steps, direction), width="stretch")
    with buttons[2]:
        # Play and Pause are one element (one key): with two keys the rerun that swaps them drew the
        # new button above the stale old one for a moment, and the page below jumped ~35 px.
        if playing:
            st.button(t("step_through.pause"), key="st_play", icon=":material/pause:", on_click=_pause,
                      type="primary", width="stretch")
        else:
            st.button(t("step_through.play"), key="st_play", icon=":material/play_arrow:", on_click=_play,
                      args=(steps, direction), type="primary", width="stretch")
    with buttons[3]:
        st.button(t("step_through.forward"), key="st_forward", icon=":material/chevron_right:",
                  on_click=_move, args=(1, steps, direction), width="stretch")
    with buttons[4]:
        if steps > 1:
            step = params.bound(st.select_slider, t("step_through.step"), key="step",
                                default=first_step(direction, steps), parse=params.integer(0, steps - 1),
                                options=list(range(steps)), help=t("step_through.step_help"),
                                format_func=lambda i: f"{i} · {visible_token(tokens[i], 16)}")
        else:
            step = 0
            params.publish("step", 0)
    step = int(step)
    # the same line whether playing or not: Play and Next never move the diagram below
    st.caption(t("step_through.playing" if playing else "step_through.not_playing", seconds=PLAY_SECONDS))
    # No token chips here: the chain below shows every token with this step outlined, and the
    # diagram should start within a 720-pixel projector screen. Unknown words get one line.
    unknown = sorted(models.unknown_positions(choice, tokens))
    if unknown:
        st.caption(plain(f"{t('controls.unknown_token')} "
                         + ", ".join(f"{i} · {visible_token(tokens[i], 16)}" for i in unknown)))

    wires = stepping.wire_values(run, layer, direction, step, unit)
    nonlinearity = getattr(model.module, "nonlinearity", "tanh")
    # lesson mode: text 4/3 larger, so the diagram gets more of the width (its labels keep apart)
    left, right = st.columns([3, 2] if language.lesson_mode() else [1, 1], gap="small")
    with left:
        charts.show(diagram.cell_figure(run.cell, wires, token=tokens[step], direction=direction, focus=focus,
                                        nonlinearity=nonlinearity, unit=unit, step=step,
                                        height=diagram.LESSON_HEIGHT if language.lesson_mode() else diagram.HEIGHT),
                    key="st_cell")
        h = [run.get("hidden_state", layer, d)[:, unit] if unit < run.get("hidden_state", layer, d).shape[1]
             else run.get("hidden_state", layer, d)[:, 0] * float("nan") for d in range(run.num_directions)]
        charts.show(diagram.chain_figure(tokens, h, step=step, unit=unit), key="st_chain")
    with right:
        st.caption(plain(t("step_through.token", step=step, token=visible_token(tokens[step], 24))))
        with friendly_errors():
            values = stepping.step_values(model.module, model.inputs(tokens), run, layer, direction, step, unit)
            show_equations(values, focus, run.cell)
        if direction == 1:
            st.info(t("step_through.backward_note"), icon=":material/arrow_back:")
        if layer > 0:
            st.caption(t("step_through.layer_input_note", layer=layer + 1, below=layer))
        if run.cell == "GRU":
            st.caption(t("step_through.gru_convention"))
        if "hidden_state" not in wires:
            st.caption(t("step_through.projection_note", unit=unit))

    st.markdown(f"**{t('step_through.vectors_heading', step=step, unit=unit)}**")
    ranges = {name: heatmaps.value_range(name, [run.get(name, lay, d) for lay in range(run.num_layers)
                                                for d in range(run.num_directions)])
              for name in run.quantities}
    vectors = {name: run.get(name, layer, direction)[step] for name in run.quantities}
    charts.show(diagram.vector_bars_figure(vectors, unit=unit, ranges=ranges), key="st_bars")


@safe
def render() -> None:
    st.title(t("step_through.title"))
    st.caption(t("step_through.intro"))

    choice = models.model_picker()
    model = models.get_model(choice)
    with st.sidebar:
        model_caption(choice, model)

    text = widgets.sentence_input()
    tokens, total = models.tokens_for(choice, text)
    if not widgets.length_notes(tokens, total, t("step_through.empty_prompt")):
        return
    run = models.run_model(choice, tuple(tokens))

    with st.sidebar:  # the lesson's own controls under the model, so the diagram starts high on screen
        layer = lessons.layer_selector(run.num_layers, t("step_through.layer"))
        direction = lessons.direction_selector(run.num_directions, t("step_through.direction"))
        unit = lessons.unit_selector(model.hidden_size, t("step_through.unit"), help=t("step_through.unit_help"),
                                     default=striking_unit(run, tokens))
        options = list(run.quantities)
        focus = params.bound(st.selectbox, t("step_through.focus"), key="focus",
                             default=DEFAULT_FOCUS[run.cell], parse=params.choice(options), options=options,
                             format_func=lambda name: t(quantities.LABEL_KEY[name]), help=t("step_through.focus_help"))

    playing = bool(st.session_state.get(PLAYING))
    # A fragment with a timer only while playing: each tick reruns just this part, one step on.
    fragment = st.fragment(stepper, run_every=PLAY_SECONDS if playing else None)
    fragment(model, run, tokens, choice, layer, direction, unit, focus, playing)

    lessons.export_buttons(model, tokens, stem=lessons.safe_stem(model.name, "trace"), area="step_through",
                           key="st_export")


render()
