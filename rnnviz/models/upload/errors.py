"""What every part of the upload shares: the size limits, the one error type, and how names and
shapes are quoted in its messages (see rnnviz.models.upload.loader for the whole story)."""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------------
# limits (the server option `server.maxUploadSize` in .streamlit/config.toml holds the same MB value)
MAX_UPLOAD_MB = 10                       # a word-level LSTM with a 10k x 200 embedding is ~9 MB
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # Streamlit counts MB as 1024*1024 bytes
MAX_SIDE_FILE_BYTES = 2 * 1024 * 1024    # vocabulary / input-vector files
MAX_ZIP_UNPACKED = 2 * MAX_UPLOAD_BYTES  # a .pt zip may not unpack to more than this (zip bombs)
MAX_INPUT_STEPS = 400                    # same cap as rnnviz.models.text.MAX_TOKENS
MAX_HIDDEN = 4096                        # sizes beyond these are not a student's RNN; refuse early
MAX_LAYERS = 8
MAX_NESTING = 16                         # dict-in-dict depth of a checkpoint

CELLS = {1: "RNN", 3: "GRU", 4: "LSTM"}          # gate rows per hidden unit -> cell kind
SPECIAL_UNK = ("<unk>", "<UNK>", "[UNK]", "<oov>", "<OOV>", "UNK")

PARAM_RE = re.compile(
    r"^(?:(?P<prefix>.*)\.)?(?P<kind>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
    r"(?:_l(?P<layer>\d+)(?P<rev>_reverse)?)?$")


class UploadError(ValueError):
    """A bad upload. `str(err)` is the student-facing message; `code` names the class of problem
    (empty, too_large, code_in_pickle, whole_model, not_weights, truncated, damaged, no_cell,
    shape, missing_key, not_finite, vocab, inputs) so tests and pages can tell them apart."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def shape_text(t) -> str:
    """(3, 4) / (12,) — the way Python prints a shape tuple."""
    return str(tuple(int(s) for s in t))



def safe_name(filename: str) -> str:
    """The file name reduced to letters, digits, '.', '-', '_' and spaces (it is shown in titles and
    must never carry markup), at most 60 characters."""
    kept = re.sub(r"[^\w.\- ]", "_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return (kept or "upload")[:60]

