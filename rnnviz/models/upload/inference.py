"""A flat {key: tensor} dict -> the recurrent layer it holds (RecurrentSpec) and a torch module.

The architecture is read off key names and shapes, PyTorch's own layout for nn.RNN / nn.LSTM / nn.GRU
(https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html, "Variables"):

    weight_ih_l{k}[_reverse]  (G*H, in_k)      G = 1 (RNN), 3 (GRU: r,z,n), 4 (LSTM: i,f,g,o)
    weight_hh_l{k}[_reverse]  (G*H, H_out)     H_out = proj_size P if > 0 else H
    bias_ih_l{k}, bias_hh_l{k} (G*H,)          all present (bias=True) or all absent
    weight_hr_l{k}[_reverse]  (P, H)           LSTM with proj_size only
    in_0 = input_size,  in_k = D * H_out for k > 0   (D = 2 if bidirectional)

Row counts alone cannot name the cell (48 rows: an RNN with H=48, a GRU with H=16 or an LSTM with
H=12), but weight_hh is (G*H, H) without projection, so G = rows / columns is unambiguous; with a
projection H comes from weight_hr (P, H) and G must be 4. The embedding feeding it is a 2-D
`<name>.weight` of shape (vocabulary, input_size) without a bias.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from rnnviz.models.upload.errors import CELLS, MAX_HIDDEN, MAX_LAYERS, PARAM_RE, UploadError, shape_text

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
        m = PARAM_RE.match(key)
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
        raise UploadError("shape", f"'{hh_key}' has shape {shape_text(hh.shape)}; PyTorch stores it as "
                          "(gates x hidden_size, hidden_size).")
    if hr_key in state:  # LSTM with projection: weight_hr (P, H), weight_hh (4H, P)
        hr = state[hr_key]
        if hr.dim() != 2:
            raise UploadError("shape", f"'{hr_key}' has shape {shape_text(hr.shape)}; expected (proj_size, hidden_size).")
        proj, hidden = int(hr.shape[0]), int(hr.shape[1])
        gates = hh.shape[0] // hidden if hidden and hh.shape[0] % hidden == 0 else 0
        if gates != 4 or hh.shape[1] != proj:
            raise UploadError("shape", f"'{hh_key}' has shape {shape_text(hh.shape)} but '{hr_key}' "
                              f"{shape_text(hr.shape)} means an LSTM with hidden_size {hidden} and proj_size "
                              f"{proj}, which needs ({4 * hidden}, {proj}).")
    else:
        proj, hidden = 0, int(hh.shape[1])
        rows = int(hh.shape[0])
        gates = rows // hidden if rows % hidden == 0 else 0
        if gates not in CELLS:
            raise UploadError("no_cell", f"'{hh_key}' has shape {shape_text(hh.shape)}: {rows} rows is not "
                              f"1, 3 or 4 times its {hidden} columns, so it matches no RNN (H, H), GRU (3H, H) "
                              "or LSTM (4H, H) cell.")
    if hidden > MAX_HIDDEN:
        raise UploadError("shape", f"hidden_size {hidden} is larger than rnnviz shows (at most {MAX_HIDDEN}).")
    cell = CELLS[gates]
    ih_key = full(suffix("weight_ih", 0))
    if ih_key not in state:
        raise UploadError("missing_key", f"'{ih_key}' is missing (expected shape ({gates * hidden}, input_size)).")
    if state[ih_key].dim() != 2:
        raise UploadError("shape", f"'{ih_key}' has shape {shape_text(state[ih_key].shape)}; expected "
                          f"({gates * hidden}, input_size).")
    input_size = int(state[ih_key].shape[1])
    if input_size == 0:
        raise UploadError("shape", f"'{ih_key}' has shape {shape_text(state[ih_key].shape)}: input_size 0.")
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
                              f"{shape_text(shape)}.")
        if tuple(state[key].shape) != shape:
            raise UploadError("shape", f"'{key}' has shape {shape_text(state[key].shape)} but {what} "
                              f"needs {shape_text(shape)}.")
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
        m = PARAM_RE.match(name)
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
            raise UploadError("shape", f"'{key}' has shape {shape_text(t.shape)} but the {spec.cell} reads "
                              f"inputs of size {spec.input_size} ('{spec.key('weight_ih', 0, 0)}' is "
                              f"{shape_text(state[spec.key('weight_ih', 0, 0)].shape)}), so the embedding "
                              f"should be (vocabulary size, {spec.input_size}).")
        if t.shape[1] != spec.input_size or f"{module}.bias" in state:
            continue
        (named if is_named else unnamed).append(key)
    if named:
        return named[0]
    return unnamed[0] if len(unnamed) == 1 else None
