"""Bring your own model: read a student's exported weights safely and rebuild the recurrent layer.

Parts: ``reading`` (bytes -> state dict, pickle refusal), ``inference`` (state dict -> RecurrentSpec
-> torch module), ``side_files`` (vocabulary / input vectors), ``errors`` (limits, UploadError);
this module puts them together.

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

How the architecture is read off key names and shapes: ``rnnviz.models.upload.inference``.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import torch

from rnnviz.models.registry import Model, architecture
from rnnviz.models.text import Vocab, clip, tokenize
from rnnviz.models.upload.errors import UploadError, safe_name
from rnnviz.models.upload.inference import build_module, check_finite, find_embedding, find_recurrent
from rnnviz.models.upload.reading import read_state_dict
from rnnviz.models.upload.side_files import parse_inputs, parse_vocab


# ---------------------------------------------------------------------------------------------------
# 4. putting it together: an uploaded model behaves like a shipped one


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
        ids = [self.vocab.stoi[self.vocab.key(tok)] if ok else 0 for tok, ok in zip(tokens, known)]
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

