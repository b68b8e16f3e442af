"""Your model: upload the weights of a PyTorch RNN / LSTM / GRU you trained, confirm what rnnviz
found, then see every gate and state of it for any sentence.

Thin page: file bytes -> ``ui.user_model`` (``rnnviz.models.upload.load_user_model``, cached by content
hash) -> confirmation table -> cached trace -> ``rnnviz.plots.heatmaps`` heatmaps. Every message quoting the
file (key names, tokens, file names) goes through ``user_model.plain`` so it can never become markup.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from rnnviz.plots import heatmaps
from rnnviz.i18n import t
from rnnviz.models.text import MAX_TOKENS, tokenize
from rnnviz.models.upload import MAX_SIDE_FILE_BYTES, MAX_UPLOAD_MB, UploadError
from ui import charts, user_model, widgets
from ui.safety import safe

EXPORT_CODE = """\
from safetensors.torch import save_file
save_file(model.state_dict(), "model.safetensors")
import json; json.dump(itos, open("vocab.json", "w"))  # optional: the token of embedding row 0, 1, 2 ...
"""
ROUND = "_upload_round"  # bumping it gives the uploaders new keys, which empties them
SIDE_MB = MAX_SIDE_FILE_BYTES // 2**20


def summary_rows(model) -> list[dict]:
    cfg, arch = model.config, model.config["architecture"]
    emb = cfg["embedding"]
    rows = [
        ("p_cell", ("Bi-" if arch["bidirectional"] else "") + arch["cell"]),
        ("p_prefix", cfg["prefix"] or t("your_model.top_level")),
        ("p_input_size", arch["input_size"]), ("p_hidden_size", arch["hidden_size"]),
        ("p_num_layers", arch["num_layers"]), ("p_bidirectional", arch["bidirectional"]),
        ("p_proj_size", arch["proj_size"]), ("p_bias", arch["bias"]),
        ("p_embedding", f"{emb['key']} {tuple(emb['shape'])}" if emb else t("your_model.none")),
    ]
    if cfg.get("vocab_size"):
        rows += [("p_vocab", cfg["vocab_size"]), ("p_level", model.level)]
    if cfg.get("input_steps"):
        rows.append(("p_steps", cfg["input_steps"]))
    # a dataframe shows cell text literally (never markdown), so key names from the file are safe here
    return [{t("your_model.property"): t(f"your_model.{k}"), t("your_model.value"): str(v)} for k, v in rows]


def show_summary(model) -> None:
    st.markdown(f"**{t('your_model.found')}**")
    st.dataframe(summary_rows(model), hide_index=True, width="stretch", key="upload_summary")
    for note in model.config["notes"]:
        st.caption(user_model.plain(note))


def read(file) -> bytes | None:
    return None if file is None else file.getvalue()


def upload_form() -> None:
    """Uploaders -> inferred architecture -> confirm. Errors are shown, nothing else happens."""
    round_ = st.session_state.get(ROUND, 0)
    left, mid, right = st.columns(3)
    weights = left.file_uploader(t("your_model.weights"), type=["safetensors", "pt", "pth", "bin"],
                                 key=f"upload_weights_{round_}", max_upload_size=MAX_UPLOAD_MB,
                                 help=t("your_model.weights_help", limit=MAX_UPLOAD_MB))
    vocab = mid.file_uploader(t("your_model.vocab"), type=["json"], key=f"upload_vocab_{round_}",
                              max_upload_size=SIDE_MB, help=t("your_model.vocab_help"))
    inputs = right.file_uploader(t("your_model.inputs"), type=["csv", "npy", "txt"],
                                 key=f"upload_inputs_{round_}", max_upload_size=SIDE_MB,
                                 help=t("your_model.inputs_help"))
    if weights is None:
        return
    upload = user_model.Upload(read(weights), weights.name, read(vocab), vocab.name if vocab else "vocab.json",
                               read(inputs), inputs.name if inputs else "inputs.csv")
    try:
        model = user_model.build(upload)
        layers = model.config["recurrent_layers"]
        if len(layers) > 1:  # e.g. an encoder and a decoder: let the student pick
            chosen = st.selectbox(t("your_model.which_layer"), layers, key=f"upload_layer_{round_}",
                                  format_func=lambda p: p or t("your_model.top_level"))
            upload = dataclasses.replace(upload, recurrent=chosen)
            model = user_model.build(upload)
        if model.cell == "RNN":
            nonlin = st.radio(t("your_model.nonlinearity"), ["tanh", "relu"], horizontal=True,
                              key=f"upload_nonlinearity_{round_}", help=t("your_model.nonlinearity_help"))
            upload = dataclasses.replace(upload, nonlinearity=nonlin)
            model = user_model.build(upload)
    except UploadError as err:
        st.error(f"**{t('your_model.bad_upload')}** {user_model.plain(err)}", icon=":material/block:")
        return
    show_summary(model)
    if st.button(t("your_model.use"), type="primary", key="upload_confirm", icon=":material/check:"):
        user_model.remember(upload)
        st.session_state[ROUND] = round_ + 1  # empties the uploaders: Streamlit drops its file copies
        st.rerun()


def explore(model) -> None:
    """The uploaded model's gates for the sentence, as on the Gate Explorer."""
    st.success(user_model.plain(t("your_model.in_use", title=model.title)), icon=":material/check_circle:")
    with st.expander(user_model.plain(model.card or model.title)):
        show_summary(model)
    if st.button(t("your_model.forget"), key="upload_forget", icon=":material/delete:"):
        user_model.forget()
        st.rerun()
    if model.row_inputs is not None:
        st.info(t("your_model.rows_note"), icon=":material/table_rows:")
    elif model.config["vocab_size"] is None and model.embedding is not None:
        st.info(t("your_model.ids_note"), icon=":material/pin:")

    text = widgets.sentence_input()
    total = len(tokenize(text, model.level))
    tokens = model.tokens(text)
    if not tokens:
        st.info(t("your_model.empty_prompt"), icon=":material/edit:")
        return
    if model.row_inputs is None and total > len(tokens):
        st.warning(t("your_model.truncated", total=total, limit=MAX_TOKENS), icon=":material/content_cut:")
    run = user_model.run(model.name, tuple(tokens), model)
    step, unit = widgets.step_unit_selectors(tokens, run.units)
    unknown = {i for i, tok in enumerate(tokens) if tok in set(model.unknown(tokens))}
    widgets.token_chips(tokens, unknown, selected=step)
    grid = heatmaps.layer_figures(run.get, run.quantities, tokens, num_layers=run.num_layers,
                                 num_directions=run.num_directions, step=step, unit=unit)
    per_row = 1 if len(tokens) > 24 else 2
    for layer, layer_figs in enumerate(grid):
        if run.num_layers > 1:
            st.subheader(t("your_model.layer_heading", layer=layer + 1, layers=run.num_layers))
        for start in range(0, len(layer_figs), per_row):
            for column, (name, fig) in zip(st.columns(per_row), layer_figs[start:start + per_row]):
                with column:
                    charts.show(fig, key=f"upload-heatmap-{layer}-{name}")


@safe
def render() -> None:
    st.title(t("your_model.title"))
    st.caption(t("your_model.intro"))
    model = user_model.current()
    with st.expander(t("your_model.export_title"), expanded=model is None):
        st.code(EXPORT_CODE, language="python")
        st.caption(t("your_model.export_help"))
        st.caption(t("your_model.vocab_export_help"))
    upload_form()
    if model is None:
        st.caption(t("your_model.nothing_yet"))
        return
    explore(model)


render()
