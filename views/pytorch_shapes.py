"""PyTorch shapes: the exact torch call for a configuration, every tensor's shape with named
dimensions, and a picture of which slice of ``output`` equals which row of ``h_n``.

Thin page: controls (kept in the URL) -> ``rnnviz.analysis.shapes`` (rules + a real torch run) ->
``rnnviz.plots.view_figures.shapes_figure``. The defaults are the lecture notes' ``nn.RNN(5, 6, 1)``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz.analysis import shapes
from rnnviz.plots import view_figures
from rnnviz.i18n import t
from ui import charts, params
from ui.downloads import arrays_npz, file_stem
from ui.safety import safe

SIZE = (1, 8)        # input / hidden size choices: small enough to print every number
LAYERS = (1, 3)
BATCH = (1, 4)
SEQ = (1, 8)
BOOL = {"True": True, "False": False}
MEANING_KEYS = {"input": "pytorch_shapes.meaning_input", "h0": "pytorch_shapes.meaning_h0",
                "c0": "pytorch_shapes.meaning_c0", "output": "pytorch_shapes.meaning_output",
                "h_n": "pytorch_shapes.meaning_h_n", "c_n": "pytorch_shapes.meaning_c_n"}


def _flag(label: str, key: str) -> bool:
    return bool(params.bound(st.toggle, label, key=key, default=False, parse=lambda raw: BOOL[raw]))


def controls() -> tuple[shapes.ShapeConfig, int]:
    """Sidebar controls, each kept in the URL (keys ps_*). -> (configuration, batch element n)"""
    d = shapes.ShapeConfig()
    with st.sidebar:
        st.markdown(f"**{t('pytorch_shapes.controls')}**")
        cell = params.bound(st.segmented_control, t("pytorch_shapes.cell"), key="ps_cell", default=d.cell,
                            parse=params.choice(shapes.CELLS), options=list(shapes.CELLS))
        cell = cell or d.cell  # a segmented control can be cleared: fall back to the default
        a, b = st.columns(2)
        with a:
            input_size = params.bound(st.number_input, t("pytorch_shapes.input_size"), key="ps_in",
                                      default=d.input_size, parse=params.integer(*SIZE), min_value=SIZE[0],
                                      max_value=SIZE[1], step=1)
            num_layers = params.bound(st.number_input, t("pytorch_shapes.num_layers"), key="ps_layers",
                                      default=d.num_layers, parse=params.integer(*LAYERS), min_value=LAYERS[0],
                                      max_value=LAYERS[1], step=1)
            batch = params.bound(st.number_input, t("pytorch_shapes.batch_size"), key="ps_batch",
                                 default=d.batch_size, parse=params.integer(*BATCH), min_value=BATCH[0],
                                 max_value=BATCH[1], step=1)
        with b:
            hidden = params.bound(st.number_input, t("pytorch_shapes.hidden_size"), key="ps_hidden",
                                  default=d.hidden_size, parse=params.integer(*SIZE), min_value=SIZE[0],
                                  max_value=SIZE[1], step=1)
            seq_len = params.bound(st.number_input, t("pytorch_shapes.seq_len"), key="ps_seq",
                                   default=d.seq_len, parse=params.integer(*SEQ), min_value=SEQ[0],
                                   max_value=SEQ[1], step=1)
            index = params.bound(st.number_input, t("pytorch_shapes.batch_index"), key="ps_n", default=0,
                                 parse=params.integer(0, int(batch) - 1), min_value=0,
                                 max_value=int(batch) - 1, step=1)
        bidirectional = _flag(t("pytorch_shapes.bidirectional"), "ps_bi")
        batch_first = _flag(t("pytorch_shapes.batch_first"), "ps_bf")
        proj = 0
        if cell == "LSTM" and hidden > 1:
            proj = params.bound(st.slider, t("pytorch_shapes.proj_size"), key="ps_proj", default=0,
                                parse=params.integer(0, int(hidden) - 1), min_value=0, max_value=int(hidden) - 1)
        else:
            params.publish("ps_proj", 0)
        st.caption(t("pytorch_shapes.lecture_example"))
    cfg = shapes.ShapeConfig(cell, int(input_size), int(hidden), int(num_layers), bidirectional, batch_first,
                             int(batch), int(seq_len), int(proj))
    return cfg, min(int(index), int(batch) - 1)


@st.cache_data(max_entries=64, show_spinner=False)
def torch_run(cfg: shapes.ShapeConfig) -> tuple[dict[str, np.ndarray], tuple[bool, ...], dict[str, bool]]:
    """The real torch call on seeded tensors: numpy copies of every tensor, the slice checks and
    the shape checks (cache_data pickles: numpy, not tensors)."""
    result = shapes.run(cfg)
    rep = shapes.describe(cfg)
    arrays = {name: tensor.numpy().astype(np.float32) for name, tensor in result.tensors.items()}
    shape_ok = {ts.name: arrays[ts.name].shape == ts.shape for ts in rep.tensors}
    return arrays, result.equal, shape_ok


def tensor_table(rep: shapes.ShapeReport) -> None:
    rows = [{t("pytorch_shapes.col_tensor"): ts.name,
             t("pytorch_shapes.col_shape"): ts.formula(),
             t("pytorch_shapes.col_meaning"): t(MEANING_KEYS[ts.name])} for ts in rep.tensors]
    st.table(rows)  # a table wraps the long "what it holds" text; a dataframe would cut it
    st.caption(t("pytorch_shapes.dims_legend"))


def notes(rep: shapes.ShapeReport) -> None:
    cfg = rep.config
    if cfg.bidirectional:
        st.info(t("pytorch_shapes.backward_note", expr=rep.equalities[1].output_text), icon=":material/swap_horiz:")
    if cfg.num_layers > 1:
        below = (cfg.num_layers - 1) * cfg.directions
        st.info(t("pytorch_shapes.lower_layers_note", count=cfg.num_layers - 1, last=below - 1),
                icon=":material/layers:")
    if cfg.batch_first:
        st.info(t("pytorch_shapes.batch_first_note"), icon=":material/swap_vert:")
    if cfg.seq_len == 1:
        st.info(t("pytorch_shapes.single_step_note"), icon=":material/school:")
    if cfg.proj_size:
        st.info(t("pytorch_shapes.projection_note", proj=cfg.proj_size, hidden=cfg.hidden_size),
                icon=":material/compress:")


@safe
def render() -> None:
    st.title(t("pytorch_shapes.title"))
    st.caption(t("pytorch_shapes.intro"))
    cfg, n = controls()
    try:
        rep = shapes.describe(cfg)
    except ValueError as exc:
        st.warning(t("pytorch_shapes.invalid", reason=str(exc)), icon=":material/block:")
        return
    arrays, equal, shape_ok = torch_run(cfg)

    left, right = st.columns([2, 3], gap="medium")
    with left:
        st.subheader(t("pytorch_shapes.code_heading"))
        st.code(rep.code, language="python", wrap_lines=True)
        wrong = [name for name, ok in shape_ok.items() if not ok]
        if wrong:
            st.error(t("pytorch_shapes.shapes_mismatch", names=", ".join(wrong)))
        else:
            st.success(t("pytorch_shapes.shapes_verified", count=len(shape_ok) + len(equal)),
                       icon=":material/verified:")
    with right:
        st.subheader(t("pytorch_shapes.tensors_heading"))
        tensor_table(rep)

    st.subheader(t("pytorch_shapes.slices_heading"))
    for e, ok in zip(rep.equalities, equal):
        direction = t("pytorch_shapes.forward") if e.direction == 0 else t("pytorch_shapes.backward")
        key = "pytorch_shapes.equal_ok" if ok else "pytorch_shapes.equal_bad"
        st.markdown(t(key, output=e.output_text, h_n=e.h_n_text, layer=e.layer + 1, direction=direction))
    output = arrays["output"][n] if cfg.batch_first else arrays["output"][:, n]  # (L, D·H_out)
    fig = view_figures.shapes_figure(output, arrays["h_n"][:, n], rep.equalities, hidden_out=cfg.h_out,
                                     num_layers=cfg.num_layers, directions=cfg.directions, batch_index=n,
                                     batch_first=cfg.batch_first)
    charts.show(fig, key="shapes-figure")
    st.caption(t("pytorch_shapes.picture_caption"))
    notes(rep)
    st.download_button(t("pytorch_shapes.download_npz"), data=lambda: arrays_npz(arrays),
                       file_name=file_stem("torch", cfg.cell, f"L{cfg.seq_len}", f"N{cfg.batch_size}") + ".npz",
                       mime="application/octet-stream", key="ps-npz", on_click="ignore",
                       icon=":material/download:")


render()
