"""This session's own uploaded model (issue 6): where its bytes live, how it is built and cached.

Isolation and memory, by construction:
- The upload's *bytes* (at most MAX_UPLOAD_MB + two 2 MB side files) are the only thing kept in
  ``st.session_state`` — no tensors there — so each session's memory is bounded and no other session
  can reach them. Once confirmed, the uploader widgets are reset (new keys), so Streamlit's own copy
  of the file is released.
- The built ``Model`` lives in ``st.cache_resource(max_entries=MODEL_SLOTS)`` keyed by the SHA-256 of
  everything that defines it. Two sessions share an entry only if they uploaded identical bytes (then
  the object is identical too, and it is never mutated: modules in eval mode, no grad, read-only
  input arrays). A session cannot name an entry it did not upload: the key is the content hash of its
  own bytes. Evicted entries are rebuilt from the session's bytes on the next run.
- Traces are ``st.cache_data(max_entries=...)`` of numpy arrays keyed by (model name, tokens).

Other pages can offer the model with ``current()`` / ``current_name()`` (see docs/UPLOAD.md).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

import streamlit as st

from rnnviz import Trace
from rnnviz.models.upload import UploadedModel, load_user_model

STATE = "_user_model"   # session_state key holding this session's confirmed Upload
MODEL_SLOTS = 8         # built uploaded models kept server-wide (each at most ~2 x MAX_UPLOAD_MB)
RUN_SLOTS = 8           # cached traces of uploaded models, server-wide (each up to ~10 MB of arrays)


@dataclass(frozen=True)
class Upload:
    """Everything that defines an uploaded model, as plain bytes and strings."""

    data: bytes
    filename: str
    vocab: bytes | None = None
    vocab_name: str = "vocab.json"
    inputs: bytes | None = None
    inputs_name: str = "inputs.csv"
    recurrent: str | None = None
    nonlinearity: str = "tanh"

    @functools.cached_property  # computed once per upload, not on every lookup of the model
    def digest(self) -> str:
        h = hashlib.sha256()
        for part in (self.data, self.vocab or b"", self.inputs or b""):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        for text in (self.filename, self.vocab_name, self.inputs_name, self.recurrent or "\0",
                     self.nonlinearity):
            h.update(text.encode("utf-8") + b"\0")
        return h.hexdigest()


@st.cache_resource(max_entries=MODEL_SLOTS, ttl=3600, show_spinner=False)
def _build(digest: str, _upload: Upload) -> UploadedModel:
    """Keyed by ``digest`` only (the underscore keeps Streamlit from hashing the bytes again)."""
    u = _upload
    return load_user_model(u.data, u.filename, vocab=u.vocab, inputs=u.inputs, recurrent=u.recurrent,
                           nonlinearity=u.nonlinearity, vocab_filename=u.vocab_name,
                           inputs_filename=u.inputs_name)


def build(upload: Upload) -> UploadedModel:
    """The model for ``upload`` (cached); raises rnnviz.models.upload.UploadError (a ValueError)."""
    return _build(upload.digest, upload)


def remember(upload: Upload) -> None:
    """Make ``upload`` this session's model."""
    st.session_state[STATE] = upload


def forget() -> None:
    st.session_state.pop(STATE, None)


def current() -> UploadedModel | None:
    """This session's confirmed uploaded model, or None."""
    upload = st.session_state.get(STATE)
    return build(upload) if isinstance(upload, Upload) else None


def current_name() -> str | None:
    model = current()
    return model.name if model is not None else None


@st.cache_data(max_entries=RUN_SLOTS, show_spinner=False)
def run(name: str, tokens: tuple[str, ...], _model: UploadedModel) -> Trace:
    """The picklable trace of ``tokens`` (cached by the model's content-hash name and the tokens)."""
    return _model.run(list(tokens))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>~$])")  # emphasis, code, links/images, headings, tables, HTML, math


def plain(text: str) -> str:
    """Text that Streamlit's markdown shows literally: no links, images, emphasis, math or HTML.
    Upload messages quote key names, tokens and file names chosen by whoever made the file."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")
