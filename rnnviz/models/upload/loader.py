"""Bring your own model: read a student's exported weights safely and rebuild the recurrent layer.

    from safetensors.torch import save_file            # what a student runs after training
    save_file(model.state_dict(), "model.safetensors")  # then uploads model.safetensors

`load_user_model(data, filename, vocab=None, inputs=None)` turns those bytes into a
`rnnviz.models.Model` that every page can trace, or raises `UploadError` (a `ValueError`) whose
message a student can act on. Nothing in an upload is ever executed:

- `.safetensors` (preferred) is a JSON header plus raw little-endian numbers: no code at all.
  https://huggingface.co/docs/safetensors (format), https://github.com/huggingface/safetensors
- `.pt` / `.pth` is a zip holding a pickle. Pickles can call any Python function while loading
  (https://docs.python.org/3/library/pickle.html, the red warning box), so it is read only with
  `torch.load(weights_only=True)`, whose unpickler refuses every global outside a small allow-list of
  tensor rebuilders (https://pytorch.org/docs/stable/notes/serialization.html#weights-only).
  Old pre-zip `.pt` files and bare pickles are refused before any unpickler sees them; their opcodes
  are only *listed* (pickletools.genops parses, never executes) to name the code they would run.
- Sizes are checked before allocation: the byte cap (`MAX_UPLOAD_MB`, also `server.maxUploadSize`),
  the safetensors header against the real length (truncation), the zip's declared sizes (zip bombs),
  an .npy header's shape against its bytes; nesting depth is bounded (checkpoint dicts, JSON).

The architecture is read off key names and shapes, PyTorch's own layout for nn.RNN / nn.LSTM / nn.GRU
(https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html, "Variables"):

    weight_ih_l{k}[_reverse]  (G*H, in_k)      G = 1 (RNN), 3 (GRU: r,z,n), 4 (LSTM: i,f,g,o)
    weight_hh_l{k}[_reverse]  (G*H, H_out)     H_out = proj_size P if > 0 else H
    bias_ih_l{k}, bias_hh_l{k} (G*H,)          all present (bias=True) or all absent
    weight_hr_l{k}[_reverse]  (P, H)           LSTM with proj_size only
    in_0 = input_size,  in_k = D * H_out for k > 0   (D = 2 if bidirectional)

Row counts alone cannot name the cell (48 rows: an RNN with H=48, a GRU with H=16 or an LSTM with
H=12), but weight_hh is (G*H, H) without projection, so G = rows / columns is unambiguous; with a
projection H comes from weight_hr (P, H) and G must be 4.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import pickletools
import re
import struct
import zipfile
from dataclasses import dataclass, field

import numpy as np
import torch

from rnnviz.models.registry import Model, architecture
from rnnviz.models.text import Vocab, clip, tokenize

# ---------------------------------------------------------------------------------------------------
# limits (the server option `server.maxUploadSize` in .streamlit/config.toml holds the same MB value)
MAX_UPLOAD_MB = 10                       # a word-level LSTM with a 10k x 200 embedding is ~9 MB
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # Streamlit counts MB as 1024*1024 bytes
MAX_SIDE_FILE_BYTES = 2 * 1024 * 1024    # vocabulary / input-vector files
MAX_ZIP_UNPACKED = 2 * MAX_UPLOAD_BYTES  # a .pt zip may not unpack to more than this (zip bombs)
MAX_INPUT_STEPS = 400                    # same cap as rnnviz.text.MAX_TOKENS
MAX_HIDDEN = 4096                        # sizes beyond these are not a student's RNN; refuse early
MAX_LAYERS = 8
MAX_NESTING = 16                         # dict-in-dict depth of a checkpoint

CELLS = {1: "RNN", 3: "GRU", 4: "LSTM"}          # gate rows per hidden unit -> cell kind
SPECIAL_UNK = ("<unk>", "<UNK>", "[UNK]", "<oov>", "<OOV>", "UNK")

_PARAM_RE = re.compile(
    r"^(?:(?P<prefix>.*)\.)?(?P<kind>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
    r"(?:_l(?P<layer>\d+)(?P<rev>_reverse)?)?$")


class UploadError(ValueError):
    """A bad upload. `str(err)` is the student-facing message; `code` names the class of problem
    (empty, too_large, code_in_pickle, whole_model, not_weights, truncated, damaged, no_cell,
    shape, missing_key, not_finite, vocab, inputs) so tests and pages can tell them apart."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _shape(t) -> str:
    """(3, 4) / (12,) — the way Python prints a shape tuple."""
    return str(tuple(int(s) for s in t))


# ---------------------------------------------------------------------------------------------------
# 1. bytes -> {key: tensor}, never running code

def read_state_dict(data: bytes, filename: str = "model.safetensors") -> dict[str, torch.Tensor]:
    """Parse an uploaded weights file into a flat {key: tensor} dict (nested checkpoint dicts are
    flattened with dotted keys). Raises UploadError; never unpickles anything but tensors."""
    filename = safe_name(filename)  # it is quoted in messages
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise UploadError("damaged", "The upload could not be read as a file.")
    data = bytes(data)
    if len(data) == 0:
        raise UploadError("empty", f"'{filename}' is empty (0 bytes). Export the weights again "
                          "and upload the file that save_file wrote.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError("too_large", f"'{filename}' is {len(data) / 2**20:.1f} MB; the limit here is "
                          f"{MAX_UPLOAD_MB} MB. Upload only the weights (model.state_dict()), not the "
                          "optimizer state, or train a smaller embedding.")
    looks_safetensors = len(data) >= 9 and data[8:9] == b"{" and struct.unpack("<Q", data[:8])[0] < 100 * 2**20
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):                  # torch.save's zip format
        state = _read_torch_zip(data, filename)
    elif looks_safetensors or filename.lower().endswith(".safetensors"):
        state = _read_safetensors(data, filename)
    else:                                                               # a bare / pre-1.6 pickle, or junk
        _refuse_bare_pickle(data, filename)
    flat = _flatten(state)
    if not flat:
        raise UploadError("not_weights", f"'{filename}' holds no tensors. Save model.state_dict().")
    for key, t in flat.items():  # torch.load can also rebuild sparse and 'meta' (data-less) tensors
        if t.layout != torch.strided or t.device.type != "cpu":
            raise UploadError("not_weights", f"'{key}' is a {str(t.layout).replace('torch.', '')} tensor on "
                              f"'{t.device.type}'; rnnviz reads ordinary dense weights. Save "
                              "model.state_dict() of the model on the CPU.")
    return flat


def _read_safetensors(data: bytes, filename: str) -> dict:
    """safetensors layout: u64 little-endian header length N, N bytes of JSON
    {name: {dtype, shape, data_offsets: [begin, end]}}, then the raw buffer."""
    from safetensors.torch import load as st_load

    if len(data) < 8:
        raise UploadError("truncated", f"'{filename}' is only {len(data)} bytes: the file is truncated "
                          "(a safetensors file starts with an 8-byte header length).")
    (n,) = struct.unpack("<Q", data[:8])
    if n == 0 or n > 100 * 2**20 or data[8:9] not in (b"{", b""):
        raise UploadError("damaged", f"'{filename}' is not a safetensors file or a PyTorch .pt file. "
                          "Export with save_file(model.state_dict(), 'model.safetensors').")
    if 8 + n > len(data):
        raise UploadError("truncated", f"'{filename}' is truncated: its header announces {n} bytes but "
                          f"the file ends after {len(data) - 8}. Upload the complete file again.")
    try:
        header = json.loads(data[8:8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise UploadError("damaged", f"'{filename}' has a damaged safetensors header (not valid JSON).") from None
    if not isinstance(header, dict):
        raise UploadError("damaged", f"'{filename}' has a damaged safetensors header.")
    try:
        need = max((int(v["data_offsets"][1]) for k, v in header.items()
                    if k != "__metadata__" and isinstance(v, dict) and "data_offsets" in v), default=0)
    except (TypeError, ValueError, IndexError, KeyError):
        raise UploadError("damaged", f"'{filename}' has a damaged safetensors header (bad offsets).") from None
    have = len(data) - 8 - n
    if need > have:
        raise UploadError("truncated", f"'{filename}' is truncated: the tensors need {need} bytes after "
                          f"the header but only {have} arrived. Upload the complete file again.")
    try:
        tensors = st_load(data)  # copies out of `data`; validates dtypes, shapes and offsets
    except Exception as err:  # safetensors raises its own SafetensorError
        raise UploadError("damaged", f"'{filename}' is a damaged safetensors file ({_clean(err)}).") from None
    # file order (by byte offset), so "the first recurrent layer" is the same on every run
    offset = {k: int(v["data_offsets"][0]) for k, v in header.items() if k in tensors}
    return {k: tensors[k] for k in sorted(tensors, key=lambda k: (offset.get(k, 0), k))}


def _read_torch_zip(data: bytes, filename: str) -> dict:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, NotImplementedError, UnicodeDecodeError, ValueError, EOFError, OSError):
        raise UploadError("truncated", f"'{filename}' is truncated or damaged: its zip directory is "
                          "missing. Upload the complete file again.") from None
    unpacked = sum(i.file_size for i in infos)  # torch's reader allocates the declared sizes
    if len(infos) > 100_000 or unpacked > MAX_ZIP_UNPACKED:
        raise UploadError("too_large", f"'{filename}' would unpack to {unpacked / 2**20:.0f} MB; the limit "
                          f"is {MAX_ZIP_UNPACKED // 2**20} MB.")
    if not any(i.filename.endswith("data.pkl") for i in infos):
        raise UploadError("not_weights", f"'{filename}' is a zip file but not one written by torch.save.")
    try:
        obj = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as err:  # pickle.UnpicklingError for refused globals; RuntimeError for bad zips
        text = str(err)
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", text)
        if found:
            raise _pickle_refusal(filename, found.group(1)) from None
        if "weights only load failed" in text.lower():
            raise UploadError("code_in_pickle", f"'{filename}' contains Python objects other than tensors, "
                              "so it was not loaded (uploads never run code). Save only the weights.") from None
        raise UploadError("truncated", f"'{filename}' is truncated or damaged and could not be read "
                          f"({_clean(err)}). Upload the complete file again.") from None
    if isinstance(obj, torch.Tensor):
        raise UploadError("not_weights", f"'{filename}' holds a single tensor, not a state_dict. "
                          "Save model.state_dict().")
    if not isinstance(obj, dict):
        raise UploadError("not_weights", f"'{filename}' holds a {type(obj).__name__}, not a state_dict. "
                          "Save model.state_dict().")
    return obj


def _pickle_refusal(filename: str, global_name: str) -> UploadError:
    """Name what the pickle wanted to call, without ever calling it."""
    if global_name.startswith(("torch.nn.", "__main__.")) or global_name[:1].isupper():
        return UploadError("whole_model", f"'{filename}' stores a whole Python object ({global_name}), "
                           "made by torch.save(model). Loading it would mean running code from the file, "
                           "which rnnviz never does. Save only the weights: "
                           "torch.save(model.state_dict(), 'model.pt'), or better safetensors.")
    return UploadError("code_in_pickle", f"'{filename}' contains code: loading it would call "
                       f"{global_name}. It was refused and nothing from it ran. Upload weights only "
                       "(a safetensors file, or torch.save(model.state_dict(), ...)).")


def _refuse_bare_pickle(data: bytes, filename: str):
    """A bare pickle or a pre-1.6 .pt file: refuse, naming any callable it references."""
    names = []
    try:
        strings = []
        for op, arg, _ in pickletools.genops(io.BytesIO(data[:MAX_UPLOAD_BYTES])):
            if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "BINUNICODE8"):
                strings.append(str(arg))
            elif op.name == "GLOBAL":
                names.append(str(arg).replace(" ", "."))
            elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
                names.append(f"{strings[-2]}.{strings[-1]}")
    except Exception:
        pass  # truncated or not a pickle at all; the message below fits both
    code = [n for n in names if not n.startswith(("torch._utils.", "collections.OrderedDict", "torch."))]
    if code:
        raise _pickle_refusal(filename, code[0])
    raise UploadError("not_weights", f"'{filename}' is not in a format rnnviz reads (a bare pickle or a "
                      "pre-2020 .pt file). Export with save_file(model.state_dict(), "
                      "'model.safetensors') from safetensors.torch.")


def _flatten(obj, prefix: str = "", depth: int = 0) -> dict[str, torch.Tensor]:
    """{'model_state_dict': {'rnn.weight_ih_l0': t}, 'epoch': 3} -> {'model_state_dict.rnn.weight_ih_l0': t}."""
    if depth > MAX_NESTING:  # a real checkpoint nests 2-3 levels; a crafted one must not blow the stack
        raise UploadError("not_weights", f"The file nests dictionaries more than {MAX_NESTING} levels deep; "
                          "save model.state_dict().")
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}{k}." if prefix or k != "" else "", depth + 1))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out.update(_flatten(v, f"{prefix}{i}.", depth + 1))
    elif isinstance(obj, torch.Tensor):
        out[prefix[:-1]] = obj
    return out


def _clean(err: Exception) -> str:
    return str(err).splitlines()[0][:160] if str(err) else type(err).__name__


# ---------------------------------------------------------------------------------------------------
# 2. {key: tensor} -> the recurrent layer's architecture

@dataclass(frozen=True)
class RecurrentSpec:
    """What the keys and shapes say about one recurrent layer (shown to the student to confirm)."""
    prefix: str              # "" for the module's own keys, "encoder.lstm" inside a whole model
    cell: str                # "RNN" | "GRU" | "LSTM"
    input_size: int
    hidden_size: int
    num_layers: int
    bidirectional: bool
    proj_size: int
    bias: bool
    from_cell: bool = False  # keys of an nn.LSTMCell / GRUCell / RNNCell (no _l0 suffix)
    keys: tuple = field(default=(), compare=False)

    def key(self, kind: str, layer: int, direction: int) -> str:
        name = kind if self.from_cell else f"{kind}_l{layer}{'_reverse' if direction else ''}"
        return f"{self.prefix}.{name}" if self.prefix else name


def find_recurrent(state: dict[str, torch.Tensor], skipped: list | None = None) -> list[RecurrentSpec]:
    """Every well-formed recurrent layer in the state_dict, in file order.

    A group of keys that looks recurrent but does not fit (a custom cell that happens to name a
    parameter 'weight_hh') is skipped, with its UploadError appended to `skipped`, as long as another
    group fits; if none does, the first group's error is raised."""
    groups: dict[tuple[str, bool], dict] = {}
    for key in state:
        m = _PARAM_RE.match(key)
        if m:
            is_cell = m.group("layer") is None
            groups.setdefault((m.group("prefix") or "", is_cell), {})[key] = m
    if not groups:
        shown = ", ".join(list(state)[:6]) + (" ..." if len(state) > 6 else "")
        raise UploadError("no_cell", "No recurrent layer found: rnnviz looks for PyTorch's nn.RNN / "
                          "nn.LSTM / nn.GRU parameter names such as 'weight_ih_l0' and 'weight_hh_l0' "
                          f"(e.g. 'rnn.weight_ih_l0'), but this file has: {shown}.")
    specs, errors = [], []
    for (prefix, is_cell), matches in groups.items():
        try:
            specs.append(_infer(state, prefix, is_cell, matches))
        except UploadError as err:
            errors.append((prefix, err))
    if not specs:
        raise errors[0][1]
    if skipped is not None:
        skipped.extend(errors)
    return specs


def _infer(state, prefix: str, from_cell: bool, matches: dict) -> RecurrentSpec:
    full = lambda name: f"{prefix}.{name}" if prefix else name  # noqa: E731
    layers = sorted({int(m.group("layer") or 0) for m in matches.values()})
    reverse = {bool(m.group("rev")) for m in matches.values()}
    num_layers, num_dirs = len(layers), 2 if True in reverse else 1
    for key, m in matches.items():
        t = state[key]
        if not t.is_floating_point():
            raise UploadError("shape", f"'{key}' holds {t.dtype} numbers; weights must be floating point.")
    if layers != list(range(num_layers)):
        missing = min(set(range(max(layers) + 1)) - set(layers))
        raise UploadError("missing_key", f"Layer {missing} is missing: found layers {layers} under "
                          f"'{prefix or '(top level)'}', e.g. '{full(f'weight_ih_l{missing}')}' is absent.")
    if num_layers > MAX_LAYERS:
        raise UploadError("shape", f"{num_layers} layers is more than rnnviz shows (at most {MAX_LAYERS}).")
    suffix = (lambda k, d: k) if from_cell else (lambda k, d: f"{k}_l0{'_reverse' if d else ''}")
    hh_key = full(suffix("weight_hh", 0))
    if hh_key not in state:
        raise UploadError("missing_key", f"'{hh_key}' is missing: a recurrent layer needs both "
                          f"'{full(suffix('weight_ih', 0))}' and '{hh_key}'.")
    hh = state[hh_key]
    hr_key = full(suffix("weight_hr", 0))
    if hh.dim() != 2 or hh.shape[1] == 0:
        raise UploadError("shape", f"'{hh_key}' has shape {_shape(hh.shape)}; PyTorch stores it as "
                          "(gates x hidden_size, hidden_size).")
    if hr_key in state:  # LSTM with projection: weight_hr (P, H), weight_hh (4H, P)
        hr = state[hr_key]
        if hr.dim() != 2:
            raise UploadError("shape", f"'{hr_key}' has shape {_shape(hr.shape)}; expected (proj_size, hidden_size).")
        proj, hidden = int(hr.shape[0]), int(hr.shape[1])
        gates = hh.shape[0] // hidden if hidden and hh.shape[0] % hidden == 0 else 0
        if gates != 4 or hh.shape[1] != proj:
            raise UploadError("shape", f"'{hh_key}' has shape {_shape(hh.shape)} but '{hr_key}' "
                              f"{_shape(hr.shape)} means an LSTM with hidden_size {hidden} and proj_size "
                              f"{proj}, which needs ({4 * hidden}, {proj}).")
    else:
        proj, hidden = 0, int(hh.shape[1])
        rows = int(hh.shape[0])
        gates = rows // hidden if rows % hidden == 0 else 0
        if gates not in CELLS:
            raise UploadError("no_cell", f"'{hh_key}' has shape {_shape(hh.shape)}: {rows} rows is not "
                              f"1, 3 or 4 times its {hidden} columns, so it matches no RNN (H, H), GRU (3H, H) "
                              "or LSTM (4H, H) cell.")
    if hidden > MAX_HIDDEN:
        raise UploadError("shape", f"hidden_size {hidden} is larger than rnnviz shows (at most {MAX_HIDDEN}).")
    cell = CELLS[gates]
    ih_key = full(suffix("weight_ih", 0))
    if ih_key not in state:
        raise UploadError("missing_key", f"'{ih_key}' is missing (expected shape ({gates * hidden}, input_size)).")
    if state[ih_key].dim() != 2:
        raise UploadError("shape", f"'{ih_key}' has shape {_shape(state[ih_key].shape)}; expected "
                          f"({gates * hidden}, input_size).")
    input_size = int(state[ih_key].shape[1])
    if input_size == 0:
        raise UploadError("shape", f"'{ih_key}' has shape {_shape(state[ih_key].shape)}: input_size 0.")
    has_bias = full(suffix("bias_ih", 0)) in state or full(suffix("bias_hh", 0)) in state
    spec = RecurrentSpec(prefix, cell, input_size, hidden, num_layers, num_dirs == 2, proj, has_bias,
                         from_cell, tuple(matches))

    # every key that must exist, with its shape; nothing else may
    h_out = proj or hidden
    expected = {}
    for layer in range(num_layers):
        for d in range(num_dirs):
            width = input_size if layer == 0 else num_dirs * h_out
            expected[spec.key("weight_ih", layer, d)] = (gates * hidden, width)
            expected[spec.key("weight_hh", layer, d)] = (gates * hidden, h_out)
            if has_bias:
                expected[spec.key("bias_ih", layer, d)] = (gates * hidden,)
                expected[spec.key("bias_hh", layer, d)] = (gates * hidden,)
            if proj:
                expected[spec.key("weight_hr", layer, d)] = (proj, hidden)
    what = (f"{'a bidirectional ' if num_dirs == 2 else 'an ' if cell[0] in 'LR' else 'a '}{cell}"
            f" with hidden_size {hidden}" + (f", proj_size {proj}" if proj else ""))
    for key, shape in expected.items():
        if key not in state:
            raise UploadError("missing_key", f"'{key}' is missing: {what} needs it, with shape "
                              f"{_shape(shape)}.")
        if tuple(state[key].shape) != shape:
            raise UploadError("shape", f"'{key}' has shape {_shape(state[key].shape)} but {what} "
                              f"needs {_shape(shape)}.")
    extra = sorted(set(matches) - set(expected))
    if extra:
        raise UploadError("shape", f"'{extra[0]}' does not fit {what} "
                          f"({num_layers} layer{'s' if num_layers > 1 else ''}).")
    return spec


def build_module(spec: RecurrentSpec, state: dict[str, torch.Tensor],
                 nonlinearity: str = "tanh") -> torch.nn.Module:
    """A fresh nn.RNN / nn.LSTM / nn.GRU with the uploaded weights (float32, eval mode)."""
    kwargs = dict(num_layers=spec.num_layers, bias=spec.bias, bidirectional=spec.bidirectional)
    if spec.cell == "LSTM":
        module = torch.nn.LSTM(spec.input_size, spec.hidden_size, proj_size=spec.proj_size, **kwargs)
    elif spec.cell == "GRU":
        module = torch.nn.GRU(spec.input_size, spec.hidden_size, **kwargs)
    else:
        module = torch.nn.RNN(spec.input_size, spec.hidden_size, nonlinearity=nonlinearity, **kwargs)
    own = {}
    for name in module.state_dict():  # torch's names: weight_ih_l0, ... ; the spec maps them back
        m = _PARAM_RE.match(name)
        layer, d = int(m.group("layer")), 1 if m.group("rev") else 0
        own[name] = state[spec.key(m.group("kind"), layer, d)].detach().to(torch.float32)
    module.load_state_dict(own, strict=True)
    module.eval()
    return module


def check_finite(state: dict[str, torch.Tensor], keys) -> None:
    """NaN or inf anywhere in the weights that are used -> UploadError naming the first such key."""
    for key in keys:
        t = state[key]
        bad = ~torch.isfinite(t)
        if bad.any():
            n_nan, n_inf = int(torch.isnan(t).sum()), int(torch.isinf(t).sum())
            first = tuple(int(i) for i in bad.nonzero()[0])
            raise UploadError("not_finite", f"'{key}' contains {n_nan} NaN and {n_inf} infinite values "
                              f"(first at index {first}). Training diverged; export a checkpoint from "
                              "before the loss became nan (a lower learning rate or gradient clipping "
                              "usually helps).")


# ---------------------------------------------------------------------------------------------------
# 3. embedding, vocabulary, input vectors

def find_embedding(state: dict[str, torch.Tensor], spec: RecurrentSpec) -> str | None:
    """The key of the embedding table feeding the recurrent layer, or None.

    An nn.Embedding is a 2-D `<name>.weight` of shape (num_embeddings, input_size) without a
    `<name>.bias` (an nn.Linear has one). Names containing 'emb' win; PyTorch's word_language_model
    example calls it `encoder.weight`, so a single unnamed candidate is accepted too."""
    named, unnamed = [], []
    for key, t in state.items():
        if not key.endswith("weight") or t.dim() != 2 or key in spec.keys:
            continue
        module = key[: -len("weight")].rstrip(".")
        is_named = "emb" in key.lower()
        if is_named and t.shape[1] != spec.input_size:
            raise UploadError("shape", f"'{key}' has shape {_shape(t.shape)} but the {spec.cell} reads "
                              f"inputs of size {spec.input_size} ('{spec.key('weight_ih', 0, 0)}' is "
                              f"{_shape(state[spec.key('weight_ih', 0, 0)].shape)}), so the embedding "
                              f"should be (vocabulary size, {spec.input_size}).")
        if t.shape[1] != spec.input_size or f"{module}.bias" in state:
            continue
        (named if is_named else unnamed).append(key)
    if named:
        return named[0]
    return unnamed[0] if len(unnamed) == 1 else None


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
                raise ValueError(f"header announces {_shape(shape)} {dtype} values")
            arr = np.load(io.BytesIO(data), allow_pickle=False)  # object arrays need pickle: refused
        except ValueError as err:
            raise UploadError("inputs", f"'{filename}' could not be read as a numeric .npy array "
                              f"({_clean(err)}).") from None
        except Exception as err:
            raise UploadError("inputs", f"'{filename}' is truncated or damaged ({_clean(err)}).") from None
        if arr.dtype.kind not in "fiub":
            raise UploadError("inputs", f"'{filename}' holds {arr.dtype} values; expected numbers.")
    else:
        arr = _parse_csv(data, filename)
    arr = np.asarray(arr, dtype=np.float32)
    if arr.ndim == 1 and input_size == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != input_size:
        raise UploadError("inputs", f"'{filename}' has shape {_shape(arr.shape)}; the recurrent layer reads "
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


# ---------------------------------------------------------------------------------------------------
# 4. putting it together: an uploaded model behaves like a shipped one

def safe_name(filename: str) -> str:
    """The file name reduced to letters, digits, '.', '-', '_' and spaces (it is shown in titles and
    must never carry markup), at most 60 characters."""
    kept = re.sub(r"[^\w.\- ]", "_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return (kept or "upload")[:60]


class UploadedModel(Model):
    """A `Model` whose embedding rows are the student's own vocabulary ids.

    Differences from a shipped model, all visible through `unknown()` and `config["notes"]`:
    - a token that the vocabulary does not know and that has no unknown-token row gets the zero
      vector (a shipped Vocab would prepend an '<unk>' row, which would shift every id by one);
    - without an embedding, uploaded input vectors are the steps: `tokens(text)` returns the labels
      'x0', 'x1', ... (all rows, or the rows named in the text, e.g. 'x3 x0 x3').
    """

    def __init__(self, *args, row_inputs: np.ndarray | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if row_inputs is not None:
            row_inputs = np.array(row_inputs, dtype=np.float32)  # private copy
            row_inputs.flags.writeable = False                   # shared object: never mutated
        self.row_inputs = row_inputs

    def tokens(self, text: str) -> list[str]:
        if self.row_inputs is None:
            return super().tokens(text)
        labels = [f"x{t}" for t in range(len(self.row_inputs))]
        asked = tokenize(text or "", "word")
        if asked and all(tok in labels for tok in asked):
            return clip(asked)[0]
        return labels

    def inputs(self, tokens: list[str]) -> torch.Tensor:
        if self.row_inputs is not None:
            rows = [int(tok[1:]) if re.fullmatch(r"x\d+", tok) and int(tok[1:]) < len(self.row_inputs)
                    else None for tok in tokens]
            if None in rows:
                bad = tokens[rows.index(None)]
                raise ValueError(f"'{bad}' is not one of the uploaded steps x0 ... x{len(self.row_inputs) - 1}.")
            return torch.from_numpy(self.row_inputs[rows].copy())  # (T, input_size)
        if self.embedding is None or self.vocab is None:
            return super().inputs(tokens)
        known = [tok in self.vocab for tok in tokens]
        if all(known) or self.vocab.unk is not None:
            return super().inputs(tokens)
        ids = [self.vocab.stoi[self.vocab._key(tok)] if ok else 0 for tok, ok in zip(tokens, known)]
        with torch.no_grad():
            x = self.embedding(torch.tensor(ids, dtype=torch.long))       # (T, E)
            return x * torch.tensor(known, dtype=x.dtype)[:, None]        # unknown rows -> 0


def load_user_model(data: bytes, filename: str, vocab: bytes | None = None, inputs: bytes | None = None,
                    *, recurrent: str | None = None, nonlinearity: str = "tanh",
                    vocab_filename: str = "vocab.json", inputs_filename: str = "inputs") -> UploadedModel:
    """An uploaded state_dict as a `Model` every page can trace; UploadError (ValueError) if not.

    recurrent:    which recurrent layer to show when the file has several (its key prefix, as listed
                  in `config["recurrent_layers"]`); default the first in the file.
    nonlinearity: for an nn.RNN, "tanh" (PyTorch's default) or "relu" — weights cannot tell.
    """
    if nonlinearity not in ("tanh", "relu"):
        raise UploadError("shape", f"nonlinearity must be 'tanh' or 'relu', not {nonlinearity!r}.")
    state = read_state_dict(data, filename)
    skipped: list = []
    specs = find_recurrent(state, skipped)
    if recurrent is None:
        spec = specs[0]
    else:
        matching = [s for s in specs if s.prefix == recurrent]
        if not matching:
            raise UploadError("no_cell", f"No recurrent layer '{recurrent}' in the file; found: "
                              + ", ".join(s.prefix or "(top level)" for s in specs) + ".")
        spec = matching[0]
    notes = []
    if len(specs) > 1:
        notes.append("The file has several recurrent layers: " + ", ".join(
            s.prefix or "(top level)" for s in specs) + f". Showing '{spec.prefix or '(top level)'}'.")
    for prefix, err in skipped:
        notes.append(f"Skipped '{prefix or '(top level)'}': {err}")
    if spec.from_cell:
        notes.append(f"Keys of an nn.{spec.cell}Cell: shown as a one-layer nn.{spec.cell} "
                     "(the same equations, applied at every step).")
    if spec.cell == "RNN":
        notes.append(f"An nn.RNN's nonlinearity is not stored in its weights: using '{nonlinearity}' "
                     "(PyTorch's default is 'tanh'; pick the one you trained with).")
    dtypes = {str(state[k].dtype).replace("torch.", "") for k in spec.keys}
    if dtypes != {"float32"}:
        notes.append(f"Weights stored as {', '.join(sorted(dtypes))}; rnnviz computes in float32.")

    emb_key = find_embedding(state, spec)
    used = list(spec.keys) + ([emb_key] if emb_key else [])
    check_finite(state, used)
    module = build_module(spec, state, nonlinearity)

    embedding, vocab_obj, level, row_inputs = None, None, "word", None
    if emb_key is not None:
        table = state[emb_key].detach().to(torch.float32)                  # (V, E)
        rows = int(table.shape[0])
        embedding = torch.nn.Embedding.from_pretrained(table.clone(), freeze=True)
        if vocab is not None:
            info = parse_vocab(vocab, rows, vocab_filename)
            itos, taken = list(info.itos), set(info.itos)
            for i, tok in enumerate(itos):                     # rows without a token get a name
                if not tok:                                    # nobody can type
                    itos[i] = next(f"<row {i}{'#' * k}>" for k in range(len(itos) + 1)
                                   if f"<row {i}{'#' * k}>" not in taken)
            vocab_obj = Vocab(itos, unk=info.unk, lowercase=info.lowercase)
            level = info.level
            if rows > len(info.itos):
                notes.append(f"The embedding has {rows} rows; the vocabulary names {len(info.itos)} of "
                             "them (the rest are never looked up).")
            if info.unk is None:
                notes.append("The vocabulary has no unknown-word token: words it does not know get "
                             "the zero vector.")
        else:
            vocab_obj = Vocab([str(i) for i in range(rows)], unk=None)
            notes.append(f"No vocabulary uploaded: type token ids 0-{rows - 1} separated by spaces "
                         "(e.g. '4 17 9'), or upload the vocabulary (JSON list or {token: id}).")
        if inputs is not None:
            notes.append("Input vectors ignored: the model has an embedding, so it reads tokens.")
    else:
        if vocab is not None:
            raise UploadError("vocab", f"A vocabulary was uploaded but the file has no embedding "
                              f"(a 2-D '<name>.weight' of shape (vocabulary size, {spec.input_size})) "
                              "to look tokens up in. Upload input vectors instead, or the whole "
                              "model's state_dict.")
        if inputs is not None:
            row_inputs = parse_inputs(inputs, spec.input_size, inputs_filename)
            notes.append(f"No embedding: the {len(row_inputs)} uploaded input vectors are the steps "
                         "x0, x1, ... (the sentence box is not used).")
        else:
            notes.append(f"No embedding and no input vectors: each word gets a fixed random vector "
                         f"of size {spec.input_size}. Upload a CSV / .npy of shape (steps, "
                         f"{spec.input_size}) to feed your own inputs.")
    ignored = [k for k in state if k not in set(used)]
    if ignored:
        shown = ", ".join(ignored[:5]) + (" ..." if len(ignored) > 5 else "")
        notes.append(f"Not used (rnnviz shows the recurrent layer): {shown}")

    digest = hashlib.sha256(b"".join([data, b"\0", vocab or b"", b"\0", inputs or b"",
                                      spec.prefix.encode(), nonlinearity.encode()])).hexdigest()
    config = {
        "architecture": architecture(module),
        "source": safe_name(filename),
        "prefix": spec.prefix,
        "recurrent_layers": [s.prefix for s in specs],
        "embedding": None if emb_key is None else {"key": emb_key, "shape": list(state[emb_key].shape)},
        "vocab_size": None if vocab_obj is None or vocab is None else len(vocab_obj),
        "input_steps": None if row_inputs is None else len(row_inputs),
        "notes": notes,
        "sha256": digest,
    }
    return UploadedModel(f"upload-{digest[:12]}", module, task="uploaded", level=level,
                         title=f"Your model ({safe_name(filename)})", vocab=vocab_obj, embedding=embedding,
                         io_shape=None, config=config, row_inputs=row_inputs,
                         card=describe(config))


def describe(config: dict) -> str:
    """Plain-text summary of what was inferred (for the confirmation table's caption and the card)."""
    a = config["architecture"]
    kind = ("bidirectional " if a["bidirectional"] else "") + a["cell"]
    parts = [f"{kind}: input_size {a['input_size']}, hidden_size {a['hidden_size']}, "
             f"{a['num_layers']} layer{'s' if a['num_layers'] > 1 else ''}, bias {a['bias']}"
             + (f", proj_size {a['proj_size']}" if a.get("proj_size") else "")]
    if config.get("embedding"):
        parts.append("embedding {key} {shape}".format(key=config["embedding"]["key"],
                                                       shape=tuple(config["embedding"]["shape"])))
    return "; ".join(parts) + "."
