"""Uploaded bytes -> a flat {key: tensor} dict, never running code.

`.safetensors` is a JSON header plus raw numbers (https://huggingface.co/docs/safetensors); a `.pt`
zip is read with `torch.load(weights_only=True)`, whose unpickler refuses every global outside a
small allow-list of tensor rebuilders; old pre-zip pickles and bare pickles are refused before any
unpickler sees them, their opcodes only *listed* (pickletools.genops parses, never executes) to name
the code they would run. Sizes are checked before allocation (byte cap, header against length, the
zip's declared sizes, nesting depth).
"""

from __future__ import annotations

import io
import json
import pickletools
import re
import struct
import zipfile

import torch

from rnnviz.models.upload.errors import (MAX_NESTING, MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, MAX_ZIP_UNPACKED,
                                         UploadError, safe_name)

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
        raise UploadError("damaged", f"'{filename}' is a damaged safetensors file ({first_line(err)}).") from None
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
                          f"({first_line(err)}). Upload the complete file again.") from None
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


def first_line(err: Exception) -> str:
    return str(err).splitlines()[0][:160] if str(err) else type(err).__name__


