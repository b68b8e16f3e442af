"""rnnviz.models.upload: uploaded weights rebuild the exact torch module; every bad upload gets its message.

The exactness checks compare against the torch module the file was exported from (<= 1e-5).
The malicious-pickle tests first prove their payload *would* create a marker file when unpickled
the unsafe way, then assert that load_user_model refuses it and the marker never appears.
"""

from __future__ import annotations

import builtins
import io
import json
import pickle
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.torch import save

from rnnviz.models import Model
from rnnviz.models.upload import (MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, UploadError, find_recurrent, load_user_model,
                           read_state_dict, safe_name)

ROOT = Path(__file__).resolve().parents[2]
CELL_CLASSES = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}


class Tagger(torch.nn.Module):
    """What a student typically trains: embedding -> recurrent layer -> linear head."""

    def __init__(self, cell="LSTM", vocab=20, emb=6, hidden=5, layers=1, bidirectional=False, **kw):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, emb)
        self.rnn = CELL_CLASSES[cell](emb, hidden, num_layers=layers, bidirectional=bidirectional, **kw)
        self.fc = torch.nn.Linear(hidden * (2 if bidirectional else 1), 3)


def st_bytes(module: torch.nn.Module) -> bytes:
    return save({k: v.contiguous() for k, v in module.state_dict().items()})


def pt_bytes(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def upload_error(code: str, *args, **kwargs) -> UploadError:
    with pytest.raises(UploadError) as info:
        load_user_model(*args, **kwargs)
    assert info.value.code == code, str(info.value)
    assert isinstance(info.value, ValueError)
    return info.value


# ------------------------------------------------------------------------------------- good uploads

@pytest.mark.parametrize("cell,kw,layers,bi", [
    ("LSTM", {}, 1, False), ("LSTM", {}, 2, True), ("LSTM", {"proj_size": 3}, 2, True),
    ("GRU", {}, 1, True), ("GRU", {"bias": False}, 3, False), ("RNN", {}, 2, False),
    ("RNN", {"nonlinearity": "relu"}, 1, True),
])
def test_whole_model_roundtrip_is_exact(cell, kw, layers, bi):
    torch.manual_seed(0)
    net = Tagger(cell, layers=layers, bidirectional=bi, **kw).eval()
    vocab = [f"w{i}" for i in range(20)]
    model = load_user_model(st_bytes(net), "tagger.safetensors", vocab=json.dumps(vocab).encode(),
                            nonlinearity=kw.get("nonlinearity", "tanh"))
    assert isinstance(model, Model) and model.task == "uploaded"
    arch = model.config["architecture"]
    assert (arch["cell"], arch["num_layers"], arch["bidirectional"]) == (cell, layers, bi)
    assert (arch["input_size"], arch["hidden_size"]) == (6, 5)
    assert arch["proj_size"] == kw.get("proj_size", 0) and arch["bias"] == kw.get("bias", True)
    assert model.config["prefix"] == "rnn" and model.config["embedding"]["key"] == "embedding.weight"
    tokens = ["w3", "w7", "w3", "w19", "w0"]
    tr = model.trace(tokens)
    with torch.no_grad():
        want, _ = net.rnn(net.embedding(torch.tensor([3, 7, 3, 19, 0])))
    assert torch.allclose(tr.output, want, atol=1e-5)


def test_module_own_keys_pt_file_and_nested_checkpoint():
    torch.manual_seed(1)
    lstm = torch.nn.LSTM(4, 7, num_layers=2)
    own = load_user_model(pt_bytes(lstm.state_dict()), "lstm.pt")
    assert own.config["prefix"] == "" and own.cell == "LSTM" and own.num_layers == 2
    checkpoint = {"epoch": 12, "loss": 0.31, "model_state_dict": {"encoder.lstm." + k: v
                                                                  for k, v in lstm.state_dict().items()}}
    nested = load_user_model(pt_bytes(checkpoint), "ckpt.pth")
    assert nested.config["prefix"] == "model_state_dict.encoder.lstm"
    for model in (own, nested):  # no embedding: tokens get fixed vectors; the math is still torch's
        tokens = model.tokens("a b c d e f")
        with torch.no_grad():
            want, _ = lstm(model.inputs(tokens))
        assert torch.allclose(model.trace(tokens).output, want, atol=1e-5)


def test_reverse_keys_and_word_language_model_names():
    """PyTorch's word_language_model example: encoder.weight (embedding), rnn.*, decoder.weight/bias."""
    torch.manual_seed(2)
    state = {"encoder.weight": torch.randn(30, 8), "decoder.weight": torch.randn(30, 10),
             "decoder.bias": torch.randn(30)}
    gru = torch.nn.GRU(8, 10, bidirectional=True)
    state.update({f"rnn.{k}": v for k, v in gru.state_dict().items()})
    model = load_user_model(save(state), "wlm.safetensors")
    assert model.config["embedding"]["key"] == "encoder.weight" and model.bidirectional
    assert "decoder.weight" in " ".join(model.config["notes"])
    with torch.no_grad():
        want, _ = gru(state["encoder.weight"][[4, 29, 0]])
    assert torch.allclose(model.trace("4 29 0").output, want, atol=1e-5)


def test_cell_module_keys_become_one_layer():
    torch.manual_seed(3)
    cell = torch.nn.GRUCell(3, 4)
    model = load_user_model(st_bytes(cell), "cell.safetensors")
    assert model.cell == "GRU" and model.num_layers == 1
    assert any("GRUCell" in note for note in model.config["notes"])
    x = model.inputs(model.tokens("p q r"))
    h = torch.zeros(4)
    for x_t in x:
        h = cell(x_t[None], h[None])[0].detach()
    assert torch.allclose(model.trace("p q r").h_n[0], h, atol=1e-5)


def test_hidden_size_decided_by_weight_hh_not_row_count():
    """48 rows could be RNN H=48, GRU H=16 or LSTM H=12: weight_hh's columns decide."""
    for cls, cell, hidden in ((torch.nn.RNN, "RNN", 48), (torch.nn.GRU, "GRU", 16), (torch.nn.LSTM, "LSTM", 12)):
        spec = find_recurrent(read_state_dict(st_bytes(cls(5, hidden))))[0]
        assert (spec.cell, spec.hidden_size, spec.input_size) == (cell, hidden, 5)


@settings(max_examples=15, deadline=None)
@given(cell=st.sampled_from(["RNN", "GRU", "LSTM"]), layers=st.integers(1, 3), bi=st.booleans(),
       bias=st.booleans(), hidden=st.integers(1, 9), inp=st.integers(1, 9), proj=st.integers(0, 3))
def test_inferred_architecture_matches_any_module(cell, layers, bi, bias, hidden, inp, proj):
    kw = {"proj_size": proj} if cell == "LSTM" and 0 < proj < hidden else {}
    module = CELL_CLASSES[cell](inp, hidden, num_layers=layers, bidirectional=bi, bias=bias, **kw)
    spec = find_recurrent(read_state_dict(st_bytes(module)))[0]
    assert (spec.cell, spec.input_size, spec.hidden_size, spec.num_layers, spec.bidirectional,
            spec.bias, spec.proj_size) == (cell, inp, hidden, layers, bi, bias, kw.get("proj_size", 0))


def test_vocab_dict_char_level_and_unknown_tokens():
    torch.manual_seed(4)
    net = Tagger("GRU", vocab=6, emb=3, hidden=4)
    vocab = {"a": 1, "b": 2, "c": 3, "<unk>": 0}  # row 5 unnamed, row 4 unnamed
    model = load_user_model(st_bytes(net), "c.safetensors", vocab=json.dumps(vocab).encode())
    assert model.level == "char" and model.tokens("abz") == ["a", "b", "z"]
    assert model.unknown(["a", "z"]) == ["z"]
    with torch.no_grad():
        want, _ = net.rnn(net.embedding(torch.tensor([1, 2, 0])))  # z -> <unk> row 0
    assert torch.allclose(model.trace("abz").output, want, atol=1e-5)


def test_vocab_without_unk_gives_unknown_words_the_zero_vector():
    net = Tagger("LSTM", vocab=3, emb=2, hidden=2)
    model = load_user_model(st_bytes(net), "m.safetensors", vocab=b'["the", "cat", "sat"]')
    x = model.inputs(["cat", "dog"])
    assert torch.equal(x[1], torch.zeros(2)) and torch.allclose(x[0], net.embedding.weight[1])
    assert any("zero vector" in n for n in model.config["notes"])


def test_input_vectors_csv_and_npy():
    rnn = torch.nn.RNN(3, 4)
    rows = np.arange(15, dtype=np.float32).reshape(5, 3) / 10
    csv = ("a,b,c\n" + "\n".join(",".join(str(v) for v in r) for r in rows)).encode()
    npy = io.BytesIO()
    np.save(npy, rows)
    for data, name in ((csv, "x.csv"), (npy.getvalue(), "x.npy")):
        model = load_user_model(st_bytes(rnn), "rnn.safetensors", inputs=data, inputs_filename=name)
        assert model.tokens("anything") == ["x0", "x1", "x2", "x3", "x4"]
        assert model.tokens("x4 x0") == ["x4", "x0"]
        with torch.no_grad():
            want, _ = rnn(torch.from_numpy(rows))
        assert torch.allclose(model.trace(model.tokens("")).output, want, atol=1e-5)


def test_same_bytes_same_name_different_bytes_different_name():
    a, b = torch.nn.GRU(2, 3), torch.nn.GRU(2, 3)
    ma, ma2, mb = (load_user_model(st_bytes(m), "g.safetensors") for m in (a, a, b))
    assert ma.name == ma2.name != mb.name and ma is not ma2


def test_file_name_never_becomes_markup():
    assert safe_name("<img src=x onerror=alert(1)>.pt") == "_img src_x onerror_alert_1__.pt"
    model = load_user_model(st_bytes(torch.nn.RNN(2, 2)), "**bold**<b>.safetensors")
    assert "<" not in model.title and "*" not in model.title


# ------------------------------------------------------------------------------------- bad uploads

class WritesMarker:
    """Unpickling this calls open(path, 'w'): harmless, but proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (builtins.open, (self.path, "w"))


def test_malicious_pt_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    payload = pt_bytes({"rnn.weight_ih_l0": torch.zeros(4, 2), "evil": WritesMarker(marker)})
    torch.load(io.BytesIO(payload), weights_only=False).get("evil").close()  # the unsafe way ...
    assert marker.exists()                                                 # ... runs the payload
    marker.unlink()
    err = upload_error("code_in_pickle", payload, "model.pt")
    assert not marker.exists()
    assert "io.open" in str(err) and "nothing from it ran" in str(err)


def test_malicious_bare_pickle_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"weight": WritesMarker(marker)})
    pickle.loads(payload).get("weight").close()
    assert marker.exists()
    marker.unlink()
    err = upload_error("code_in_pickle", payload, "model.pt")
    assert not marker.exists() and "io.open" in str(err)


def test_whole_model_pickle_is_refused_with_advice():
    err = upload_error("whole_model", pt_bytes(torch.nn.LSTM(2, 3)), "model.pt")
    assert "state_dict" in str(err) and "torch.nn.modules.rnn.LSTM" in str(err)


def test_over_the_size_cap():
    err = upload_error("too_large", b"\0" * (MAX_UPLOAD_BYTES + 1), "big.safetensors")
    assert f"{MAX_UPLOAD_MB} MB" in str(err)


def test_size_cap_matches_streamlit_config():
    path = ROOT / ".streamlit" / "config.toml"
    if not path.exists():  # written by the app shell; this check starts biting once it exists
        pytest.skip(".streamlit/config.toml not written yet")
    config = tomllib.loads(path.read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB


def test_keys_that_match_no_cell():
    err = upload_error("no_cell", save({"fc.weight": torch.zeros(3, 4), "fc.bias": torch.zeros(3)}), "m.safetensors")
    assert "weight_ih_l0" in str(err) and "fc.weight" in str(err)
    err = upload_error("no_cell", save({"weight_ih_l0": torch.zeros(10, 3), "weight_hh_l0": torch.zeros(10, 5)}),
                       "m.safetensors")
    assert "weight_hh_l0" in str(err) and "(10, 5)" in str(err)


def test_inconsistent_shape_names_key_and_expected_shape():
    state = dict(torch.nn.LSTM(3, 4, num_layers=2).state_dict())
    state["weight_ih_l1"] = torch.zeros(16, 5)
    err = upload_error("shape", save(state), "m.safetensors")
    assert "'weight_ih_l1' has shape (16, 5)" in str(err) and "needs (16, 4)" in str(err)


def test_missing_key_named_with_shape():
    state = dict(torch.nn.GRU(3, 4, bidirectional=True).state_dict())
    del state["bias_hh_l0_reverse"]
    err = upload_error("missing_key", save(state), "m.safetensors")
    assert "'bias_hh_l0_reverse' is missing" in str(err) and "(12,)" in str(err)


def test_embedding_width_must_match_input_size():
    state = {f"rnn.{k}": v for k, v in torch.nn.LSTM(8, 4).state_dict().items()}
    state["embedding.weight"] = torch.zeros(10, 7)
    err = upload_error("shape", save(state), "m.safetensors")
    assert "'embedding.weight' has shape (10, 7)" in str(err) and "(vocabulary size, 8)" in str(err)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_nan_or_inf_weights(value):
    state = dict(torch.nn.RNN(2, 3).state_dict())
    state["weight_hh_l0"] = state["weight_hh_l0"].clone()
    state["weight_hh_l0"][1, 2] = value
    err = upload_error("not_finite", save(state), "m.safetensors")
    assert "'weight_hh_l0'" in str(err) and "(1, 2)" in str(err)


@pytest.mark.parametrize("vocab,needle", [
    (json.dumps([f"t{i}" for i in range(25)]), "25 tokens but the embedding has only 20 rows"),
    (json.dumps({"the": 0, "cat": 20}), "'cat' has id 20 but the embedding has 20 rows"),
    (json.dumps(["a", "b", "a"]), "'a' appears twice"),
    ('["a", "b"', "not valid JSON"),
    (json.dumps({"a": 1, "b": 1}), "share id 1"),
])
def test_vocab_that_does_not_fit(vocab, needle):
    err = upload_error("vocab", st_bytes(Tagger()), "m.safetensors", vocab=vocab.encode())
    assert needle in str(err)


def test_truncated_files():
    full = st_bytes(Tagger())
    for cut in (5, 40, len(full) - 1):
        assert "truncated" in str(upload_error("truncated", full[:cut], "m.safetensors"))
    pt = pt_bytes(Tagger().state_dict())
    assert "truncated" in str(upload_error("truncated", pt[: len(pt) // 2], "m.pt"))


def test_empty_files():
    assert "empty" in str(upload_error("empty", b"", "m.safetensors"))
    rnn = st_bytes(torch.nn.RNN(2, 2))
    assert "empty" in str(upload_error("inputs", rnn, "m.safetensors", inputs=b"", inputs_filename="x.csv"))


def test_bad_input_vectors():
    rnn = st_bytes(torch.nn.RNN(3, 2))
    err = upload_error("inputs", rnn, "m.safetensors", inputs=b"1,2\n3,4\n", inputs_filename="x.csv")
    assert "(2, 2)" in str(err) and "(steps, 3)" in str(err)
    obj = io.BytesIO()
    np.save(obj, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    upload_error("inputs", rnn, "m.safetensors", inputs=obj.getvalue(), inputs_filename="x.npy")
    upload_error("not_finite", rnn, "m.safetensors", inputs=b"1,2,nan\n", inputs_filename="x.csv")


def test_zip_bomb_declared_size_is_refused():
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", b"\0" * (3 * MAX_UPLOAD_BYTES))  # compresses to a few KB
    assert len(buf.getvalue()) < MAX_UPLOAD_BYTES
    assert "unpack" in str(upload_error("too_large", buf.getvalue(), "bomb.pt"))


def test_half_precision_weights_are_computed_in_float32():
    gru = torch.nn.GRU(3, 4)
    half = {k: v.to(torch.float16) for k, v in gru.state_dict().items()}
    model = load_user_model(save(half), "half.safetensors")
    assert any("float16" in note for note in model.config["notes"])
    assert model.module.weight_hh_l0.dtype == torch.float32
    assert torch.equal(model.module.weight_hh_l0, half["weight_hh_l0"].float())


def test_integer_weights_are_refused():
    state = {k: (v * 100).to(torch.int32) for k, v in torch.nn.RNN(2, 3).state_dict().items()}
    assert "floating point" in str(upload_error("shape", save(state), "int.safetensors"))


def test_a_group_that_does_not_fit_is_skipped_when_another_fits():
    state = {f"rnn.{k}": v for k, v in torch.nn.LSTM(3, 4).state_dict().items()}
    state["attention.weight_hh"] = torch.zeros(5, 7)  # a custom module's parameter, not a cell
    model = load_user_model(save(state), "m.safetensors")
    assert model.config["prefix"] == "rnn"
    assert any(note.startswith("Skipped 'attention'") for note in model.config["notes"])


def test_absurd_nesting_is_refused_not_a_crash():
    nested = {"w": torch.zeros(1)}
    for _ in range(40):
        nested = {"x": nested}
    assert "nests" in str(upload_error("not_weights", pt_bytes(nested), "deep.pt"))


_GOOD_ST = st_bytes(Tagger("GRU", vocab=5, emb=3, hidden=2))
_GOOD_PT = pt_bytes(Tagger("LSTM", vocab=5, emb=3, hidden=2).state_dict())


@settings(max_examples=80, deadline=None)
@given(which=st.sampled_from(["st", "pt"]), data=st.data())
def test_corrupted_files_give_an_upload_error_never_a_crash(which, data):
    """Any byte flipped, any cut: either a model or an UploadError with a message, nothing else."""
    raw = bytearray(_GOOD_ST if which == "st" else _GOOD_PT)
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = bytes(raw[: data.draw(st.integers(1, len(raw)))])
    try:
        model = load_user_model(raw, "m.safetensors" if which == "st" else "m.pt")
    except UploadError as err:
        assert str(err) and err.code
    else:
        assert isinstance(model, Model)


def test_several_recurrent_layers_pick_one_by_prefix():
    torch.manual_seed(5)
    enc, dec = torch.nn.RNN(3, 4), torch.nn.GRU(4, 5)
    state = {f"encoder.{k}": v for k, v in enc.state_dict().items()}
    state.update({f"decoder.{k}": v for k, v in dec.state_dict().items()})
    data = save(state)
    default = load_user_model(data, "s2s.safetensors")
    assert default.config["recurrent_layers"] == ["decoder", "encoder"]  # file (byte) order, every run
    assert default.config["prefix"] == "decoder" and default.cell == "GRU"
    chosen = load_user_model(data, "s2s.safetensors", recurrent="encoder", nonlinearity="relu")
    assert chosen.cell == "RNN" and chosen.module.nonlinearity == "relu"
    x = chosen.inputs(chosen.tokens("a b c"))
    enc_relu = torch.nn.RNN(3, 4, nonlinearity="relu")
    enc_relu.load_state_dict(enc.state_dict())
    with torch.no_grad():
        assert torch.allclose(chosen.trace("a b c").output, enc_relu(x)[0], atol=1e-5)
    err = upload_error("no_cell", data, "s2s.safetensors", recurrent="attention")
    assert "No recurrent layer 'attention'" in str(err) and "decoder, encoder" in str(err)


def test_package_level_entry_point():
    import rnnviz

    model = rnnviz.load_user_model(st_bytes(torch.nn.GRU(2, 3)), "g.safetensors")
    assert model.cell == "GRU" and issubclass(rnnviz.UploadError, ValueError)


@pytest.mark.parametrize("odd", ["sparse", "meta"])
def test_sparse_or_dataless_tensors_are_refused(odd):
    state = dict(torch.nn.GRU(2, 3).state_dict())
    state["weight_hh_l0"] = (state["weight_hh_l0"].to_sparse() if odd == "sparse"
                             else torch.empty(9, 3, device="meta"))
    err = upload_error("not_weights", pt_bytes(state), "m.pt")
    assert "'weight_hh_l0'" in str(err) and "dense" in str(err)


def test_side_files_with_lying_headers_or_deep_nesting():
    rnn = st_bytes(torch.nn.RNN(3, 2))
    buf = io.BytesIO()
    np.save(buf, np.zeros((2, 3), np.float32))
    lying = buf.getvalue().replace(b"(2, 3)", b"(200000000, 3)")  # 2.4 GB announced, 24 bytes sent
    assert "(200000000, 3)" in str(upload_error("inputs", rnn, "m.safetensors", inputs=lying,
                                                inputs_filename="x.npy"))
    deep = b"[" * 100_000 + b"]" * 100_000
    assert "nests" in str(upload_error("vocab", st_bytes(Tagger()), "m.safetensors", vocab=deep))


def test_safetensors_header_nested_too_deep():
    import struct

    header = b'{"a":' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    upload_error("damaged", struct.pack("<Q", len(header)) + header, "m.safetensors")
