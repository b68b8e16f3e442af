"""The optional side files of an upload: the vocabulary (token per embedding row) and input vectors
(CSV / .npy rows x_t for a model without an embedding). Both are parsed, never evaluated."""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass

import numpy as np

from rnnviz.models.upload.errors import (MAX_INPUT_STEPS, MAX_SIDE_FILE_BYTES, SPECIAL_UNK,
                                         UploadError, safe_name, shape_text)
from rnnviz.models.upload.reading import first_line

@dataclass(frozen=True)
class VocabInfo:
    itos: tuple                 # token for each embedding row that has one ("" for unnamed rows)
    unk: str | None
    level: str                  # "char" | "word"
    lowercase: bool


def parse_vocab(data: bytes, rows: int, filename: str = "vocab.json") -> VocabInfo:
    """A JSON list of tokens (row i = token i) or {token: row}, checked against `rows` embedding rows."""
    filename = safe_name(filename)
    if len(data) == 0:
        raise UploadError("vocab", f"'{filename}' is empty.")
    if len(data) > MAX_SIDE_FILE_BYTES:
        raise UploadError("too_large", f"'{filename}' is over {MAX_SIDE_FILE_BYTES // 2**20} MB.")
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise UploadError("vocab", f"'{filename}' nests JSON too deeply; expected a flat list or object.") from None
    except UnicodeDecodeError:
        raise UploadError("vocab", f"'{filename}' is not UTF-8 text.") from None
    except json.JSONDecodeError as err:
        raise UploadError("vocab", f"'{filename}' is not valid JSON (line {err.lineno}, column "
                          f"{err.colno}: {err.msg}). Expected a list of tokens or {{token: id}}.") from None
    if isinstance(obj, dict) and isinstance(obj.get("itos"), list):  # rnnviz Vocab.to_json / torchtext
        obj = obj["itos"]
    if isinstance(obj, dict) and isinstance(obj.get("stoi"), dict):
        obj = obj["stoi"]
    if isinstance(obj, list):
        if not all(isinstance(tok, str) for tok in obj):
            bad = next(tok for tok in obj if not isinstance(tok, str))
            raise UploadError("vocab", f"'{filename}': every entry must be a token string; found {bad!r}.")
        seen = {}
        for i, tok in enumerate(obj):
            if tok in seen:
                raise UploadError("vocab", f"'{filename}': token {tok!r} appears twice (rows {seen[tok]} and {i}).")
            seen[tok] = i
        if len(obj) > rows:
            raise UploadError("vocab", f"The vocabulary has {len(obj)} tokens but the embedding has only "
                              f"{rows} rows (one per token): it belongs to a different model.")
        itos = list(obj)
    elif isinstance(obj, dict):
        itos = [""] * rows
        for tok, idx in obj.items():
            if isinstance(idx, bool) or not isinstance(idx, int):
                raise UploadError("vocab", f"'{filename}': the id of {tok!r} is {idx!r}; ids must be integers.")
            if not 0 <= idx < rows:
                raise UploadError("vocab", f"Token {tok!r} has id {idx} but the embedding has {rows} rows "
                                  f"(ids 0-{rows - 1}): the vocabulary belongs to a different model.")
            if itos[idx]:
                raise UploadError("vocab", f"'{filename}': tokens {itos[idx]!r} and {tok!r} share id {idx}.")
            itos[idx] = tok
        while itos and not itos[-1]:
            itos.pop()
    else:
        raise UploadError("vocab", f"'{filename}' holds a JSON {type(obj).__name__}; expected a list of "
                          "tokens or an object {token: id}.")
    named = [tok for tok in itos if tok]
    if not named:
        raise UploadError("vocab", f"'{filename}' names no tokens.")
    unk = next((tok for tok in SPECIAL_UNK if tok in set(named)), None)
    plain = [tok for tok in named if not (tok.startswith(("<", "[")) and tok.endswith((">", "]")))]
    level = "char" if plain and all(len(tok) == 1 for tok in plain) else "word"
    lowercase = not any(tok != tok.lower() for tok in plain)
    return VocabInfo(tuple(itos), unk, level, lowercase)


def parse_inputs(data: bytes, input_size: int, filename: str = "inputs.csv") -> np.ndarray:
    """Input vectors for a layer without embedding: .npy (no pickles) or CSV, shape (T, input_size)."""
    filename = safe_name(filename)
    if len(data) == 0:
        raise UploadError("inputs", f"'{filename}' is empty.")
    if len(data) > MAX_SIDE_FILE_BYTES:
        raise UploadError("too_large", f"'{filename}' is over {MAX_SIDE_FILE_BYTES // 2**20} MB.")
    if data[:6] == b"\x93NUMPY":
        try:  # the header's shape must fit in the bytes that came, before numpy allocates it
            fp = io.BytesIO(data)
            version = np.lib.format.read_magic(fp)
            shape, _, dtype = (np.lib.format.read_array_header_1_0(fp) if version == (1, 0)
                               else np.lib.format.read_array_header_2_0(fp))
            if dtype.hasobject or math.prod(shape) * dtype.itemsize > len(data):
                raise ValueError(f"header announces {shape_text(shape)} {dtype} values")
            arr = np.load(io.BytesIO(data), allow_pickle=False)  # object arrays need pickle: refused
        except ValueError as err:
            raise UploadError("inputs", f"'{filename}' could not be read as a numeric .npy array "
                              f"({first_line(err)}).") from None
        except Exception as err:
            raise UploadError("inputs", f"'{filename}' is truncated or damaged ({first_line(err)}).") from None
        if arr.dtype.kind not in "fiub":
            raise UploadError("inputs", f"'{filename}' holds {arr.dtype} values; expected numbers.")
    else:
        arr = _parse_csv(data, filename)
    arr = np.asarray(arr, dtype=np.float32)
    if arr.ndim == 1 and input_size == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != input_size:
        raise UploadError("inputs", f"'{filename}' has shape {shape_text(arr.shape)}; the recurrent layer reads "
                          f"vectors of size {input_size}, so it needs (steps, {input_size}).")
    if not 1 <= arr.shape[0] <= MAX_INPUT_STEPS:
        raise UploadError("inputs", f"'{filename}' has {arr.shape[0]} steps; rnnviz shows 1 to "
                          f"{MAX_INPUT_STEPS}.")
    if not np.isfinite(arr).all():
        r, c = np.argwhere(~np.isfinite(arr))[0]
        raise UploadError("not_finite", f"'{filename}' contains NaN or infinite values (row {r}, column {c}).")
    return arr


def _parse_csv(data: bytes, filename: str) -> np.ndarray:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("inputs", f"'{filename}' is neither a .npy file nor UTF-8 CSV text.") from None
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c for c in re.split(r"[,;\t ]+", line.strip()) if c]
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            if not rows:  # a header line
                continue
            raise UploadError("inputs", f"'{filename}' line {lineno} is not all numbers: {line[:60]!r}.") from None
        if len(rows[-1]) != len(rows[0]):
            raise UploadError("inputs", f"'{filename}' line {lineno} has {len(rows[-1])} numbers but the "
                              f"first row has {len(rows[0])}.")
    if not rows:
        raise UploadError("inputs", f"'{filename}' contains no rows of numbers.")
    return np.array(rows, dtype=np.float64)


