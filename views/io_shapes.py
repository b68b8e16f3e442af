"""The four I/O shapes of the lecture notes — N→N, N→1, 1→N, N→M — each run live by a trained model,
beside a diagram of which outputs the task reads.

Thin page: controls (kept in the URL, keys io_*) -> the shipped models (``rnnviz.models``:
language model, sentiment classifier, generation, seq2seq with its context vector c) ->
``rnnviz.plots.io_diagrams`` and ``rnnviz.plots.view_figures``. A shape whose model is not shipped yet shows its
diagram and a note saying so.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz.i18n import t
from rnnviz.models import io_examples
from rnnviz.models.seq2seq import TARGET_CHARS
from rnnviz.plots import io_diagrams, view_figures
from rnnviz.plots.tokens import visible_token
from ui import charts, models, params, widgets
from ui.downloads import trace_buttons
from ui.safety import safe

SHAPES = io_diagrams.SHAPES  # N→N, N→1, 1→N, N→M — the lecture notes' order
SHAPE_LABEL_KEYS = {"N→N": "io_shapes.shape_N→N", "N→1": "io_shapes.shape_N→1",
                    "1→N": "io_shapes.shape_1→N", "N→M": "io_shapes.shape_N→M"}
OVERVIEW_KEYS = {"N→N": "io_shapes.overview_N→N", "N→1": "io_shapes.overview_N→1",
                 "1→N": "io_shapes.overview_1→N", "N→M": "io_shapes.overview_N→M"}
PREFERRED = {"N→N": "shakespeare-lstm", "N→1": "sentiment-lstm", "1→N": "shakespeare-lstm",
             "N→M": "numbers-seq2seq"}
WHAT_KEYS = {"N→N": "io_shapes.what_lm", "N→1": "io_shapes.what_classifier",
             "1→N": "io_shapes.what_generator", "N→M": "io_shapes.what_seq2seq"}
DEFAULT_PROMPT = "To be, or not to be"
DEFAULT_NUMBERS = "three hundred and twelve"
TEMPERATURE = (0.0, 2.0)
GEN_LENGTH = (10, 400)
MAX_PROMPT_CHARS = 200


# --------------------------------------------------------------------------- which models serve a shape

def models_for(shape: str) -> list[str]:
    """Shipped models that run this shape (language models also serve 1→N by generating)."""
    rows = models.shipped_models()
    if shape == "1→N":
        names = [r["name"] for r in rows if r["task"] == "language-model"]
    else:
        names = [r["name"] for r in rows if r["io_shape"] == shape]
    preferred = PREFERRED[shape]
    return sorted(names, key=lambda n: (n != preferred, n))


def pick_model(shape: str, key: str) -> str | None:
    names = models_for(shape)
    if not names:
        st.info(t("io_shapes.not_shipped", shape=shape, what=t(WHAT_KEYS[shape])), icon=":material/hourglass_top:")
        return None
    titles = {r["name"]: r["title"] for r in models.shipped_models()}
    return params.bound(st.selectbox, t("io_shapes.model"), key=key, default=names[0],
                        parse=params.choice(names), options=names,
                        format_func=lambda n: f"{titles.get(n, n)} ({n})")


def model(name: str):
    return models.get_model(models.Choice(name=name))


def diagram(shape: str, n_in: int, n_out: int | None = None, inputs=None, outputs=None, height: int = 240):
    d = io_diagrams.diagram(shape, max(n_in, 1), n_out)
    return io_diagrams.figure(d, inputs=inputs, outputs=outputs, height=height)


def warn_unknown(m, tokens: list[str]) -> None:
    unknown = sorted(set(m.unknown(tokens)))
    if unknown:
        st.caption(t("io_shapes.unknown", tokens=", ".join(visible_token(u, 16) for u in unknown[:12])))


# --------------------------------------------------------------------------- cached model runs (numpy only)

@st.cache_data(max_entries=32, show_spinner=False)
def next_token_probabilities(name: str, tokens: tuple[str, ...]) -> np.ndarray:
    """(T, V) float32: row t is p(token t+1 | tokens 0..t)."""
    return io_examples.next_token_probabilities(model(name), list(tokens))


@st.cache_data(max_entries=32, show_spinner=False)
def generate(name: str, prompt: str, n: int, temperature: float, seed: int) -> tuple[list[str], list[str]]:
    """(tokens read first, generated tokens) — seeded, so the same arguments give the same text."""
    return io_examples.generated_tokens(model(name), prompt, n, temperature, seed)


@st.cache_data(max_entries=32, show_spinner=False)
def translate(name: str, tokens: tuple[str, ...]) -> dict:
    return io_examples.translation_arrays(model(name), list(tokens))


# --------------------------------------------------------------------------- the four sections

def section_n_to_n(text: str) -> None:
    st.subheader(t("io_shapes.nn_heading"))
    st.caption(t("io_shapes.nn_explain"))
    name = pick_model("N→N", "io_lm")
    if name is None:
        charts.show(diagram("N→N", 4), key="io-diagram-nn")
        return
    m = model(name)
    tokens = m.tokens(text)
    if len(tokens) < 2:
        st.info(t("io_shapes.lm_short"), icon=":material/edit:")
        return
    probs = next_token_probabilities(name, tuple(tokens))  # (T, V)
    itos = m.vocab.itos
    ids = m.vocab.encode(tokens)
    best_ids = probs.argmax(axis=1)
    best = [itos[i] for i in best_ids]
    p_actual = probs[np.arange(len(tokens) - 1), ids[1:]]  # p(token t+1) at position t
    charts.show(diagram("N→N", len(tokens), inputs=tokens, outputs=best), key="io-diagram-nn")
    warn_unknown(m, tokens)
    charts.show(view_figures.next_token_figure(tokens, p_actual, best, probs.max(axis=1)), key="io-next-token")
    st.caption(t("io_shapes.lm_mean", p=float(p_actual.mean()), n=len(p_actual)))
    export(lambda: m.trace(tokens), tokens, name, "io-export-nn")


def section_n_to_1(text: str) -> None:
    st.subheader(t("io_shapes.n1_heading"))
    st.caption(t("io_shapes.n1_explain"))
    name = pick_model("N→1", "io_cls")
    if name is None:
        charts.show(diagram("N→1", 5), key="io-diagram-n1")
        return
    choice = models.Choice(name=name)
    m = model(name)
    tokens = m.tokens(text)
    if not tokens:
        st.info(t("io_shapes.empty"), icon=":material/edit:")
        return
    run = models.run_model(choice, tuple(tokens))
    probs = run.prediction.probabilities if run.prediction is not None else {}
    label, p = max(probs.items(), key=lambda kv: kv[1]) if probs else ("", 0.0)
    outputs = [""] * (len(tokens) - 1) + [f"{label} {p:.0%}"]
    charts.show(diagram("N→1", len(tokens), inputs=tokens, outputs=outputs), key="io-diagram-n1")
    warn_unknown(m, tokens)
    if m.bidirectional:
        st.caption(t("io_shapes.n1_bidirectional"))
    for lab, q in sorted(probs.items(), key=lambda kv: -kv[1]):
        st.progress(float(q), text=t("io_shapes.n1_probability", label=lab, p=float(q)))
    export(lambda: m.trace(tokens), tokens, name, "io-export-n1")


def section_one_to_n() -> None:
    st.subheader(t("io_shapes.gen_heading"))
    st.caption(t("io_shapes.gen_explain"))
    name = pick_model("1→N", "io_gen")
    a, b, c, d = st.columns([3, 2, 1, 2])
    with a:
        prompt = params.bound(st.text_input, t("io_shapes.prompt"), key="io_prompt", default=DEFAULT_PROMPT,
                              parse=lambda raw: raw[:MAX_PROMPT_CHARS], max_chars=MAX_PROMPT_CHARS)
    with b:
        temperature = params.bound(st.slider, t("io_shapes.temperature"), key="io_temp", default=0.8,
                                   parse=lambda raw: _within(round(float(raw), 1), *TEMPERATURE),
                                   min_value=TEMPERATURE[0], max_value=TEMPERATURE[1], step=0.1)
    with c:
        seed = params.bound(st.number_input, t("io_shapes.gen_seed"), key="io_seed", default=0,
                            parse=params.integer(*models.SEED_RANGE), min_value=models.SEED_RANGE[0],
                            max_value=models.SEED_RANGE[1], step=1)
    with d:
        length = params.bound(st.slider, t("io_shapes.gen_length"), key="io_len", default=200,
                              parse=params.integer(*GEN_LENGTH), min_value=GEN_LENGTH[0],
                              max_value=GEN_LENGTH[1], step=10)
    if name is None:
        charts.show(diagram("1→N", 1, 6), key="io-diagram-gen")
        return
    prompt_tokens, generated = generate(name, prompt, int(length), float(temperature), int(seed))
    charts.show(diagram("1→N", 1, len(generated), inputs=["".join(prompt_tokens)], outputs=generated),
                key="io-diagram-gen")
    st.markdown(f"**{t('io_shapes.gen_text_label')}**")
    st.code("".join(prompt_tokens) + "".join(generated), language=None, wrap_lines=True)
    st.caption(t("io_shapes.gen_caption", n=len(generated), temperature=temperature, seed=seed))
    m = model(name)
    everything = prompt_tokens + generated  # every token the cell read, in order
    export(lambda: m.trace(everything), everything, f"{name}-generated", "io-export-gen")


def section_n_to_m() -> None:
    st.subheader(t("io_shapes.nm_heading"))
    st.caption(t("io_shapes.nm_explain"))
    name = pick_model("N→M", "io_s2s")
    text = params.bound(st.text_input, t("io_shapes.numbers"), key="io_numbers", default=DEFAULT_NUMBERS,
                        parse=lambda raw: raw[:MAX_PROMPT_CHARS], max_chars=MAX_PROMPT_CHARS)
    if name is None:
        charts.show(diagram("N→M", 4, 3), key="io-diagram-nm")
        return
    m = model(name)
    tokens = m.tokens(text)
    if not tokens:
        st.info(t("io_shapes.empty"), icon=":material/edit:")
        return
    d = translate(name, tuple(tokens))
    charts.show(diagram("N→M", len(tokens), len(d["output_tokens"]), inputs=tokens, outputs=d["output_tokens"]),
                key="io-diagram-nm")
    warn_unknown(m, tokens)
    left, right = st.columns([1, 3])
    with left:
        st.metric(t("io_shapes.nm_output"), d["output"] or "∅")
    with right:
        st.markdown(f"**{t('io_shapes.nm_context')}**")
        charts.show(view_figures.context_figure(d["context"]), key="io-context")
    st.markdown(f"**{t('io_shapes.nm_decoder')}**")
    charts.show(view_figures.decoder_figure(d["probabilities"], TARGET_CHARS, d["output_tokens"]), key="io-decoder")
    with st.expander(t("io_shapes.export_heading")):
        st.caption(t("io_shapes.export_encoder"))
        trace_buttons(lambda: m.trace(tokens), tokens, f"{name}-encoder", key="io-export-enc")
        st.caption(t("io_shapes.export_decoder"))
        trace_buttons(lambda: m.translate(tokens).decoder_trace, d["decoder_inputs"], f"{name}-decoder",
                      key="io-export-dec")


def export(make_trace, tokens, stem: str, key: str) -> None:
    with st.expander(t("io_shapes.export_heading")):
        trace_buttons(make_trace, tokens, stem, key=key)


def _within(value: float, lo: float, hi: float) -> float:
    if not lo <= value <= hi:
        raise ValueError(value)
    return value


def overview() -> None:
    """All four shapes at a glance (static diagrams), above the live one."""
    for column, shape in zip(st.columns(4), SHAPES):
        with column:
            steps = 2 if shape == "N→M" else 3  # the encoder–decoder needs twice the room
            charts.show(diagram(shape, steps, steps, height=170), key=f"io-overview-{shape}")
            st.caption(t(OVERVIEW_KEYS[shape]))


@safe
def render() -> None:
    st.title(t("io_shapes.title"))
    st.caption(t("io_shapes.intro"))
    shape = params.bound(st.segmented_control, t("io_shapes.shape"), key="io_shape", default="N→N",
                         parse=params.choice(SHAPES), options=list(SHAPES),
                         format_func=lambda s: t(SHAPE_LABEL_KEYS[s]))
    shape = shape or "N→N"
    if shape in ("N→N", "N→1"):
        text = widgets.sentence_input()
        (section_n_to_n if shape == "N→N" else section_n_to_1)(text)
    elif shape == "1→N":
        section_one_to_n()
    else:
        section_n_to_m()
    st.divider()
    overview()  # all four at a glance, each with its one-line description
    st.caption(t("io_shapes.diagram_legend"))


render()
