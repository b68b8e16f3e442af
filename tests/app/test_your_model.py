"""AppTest of the "Your model" page: upload -> confirmation table -> heatmaps equal to torch;
bad uploads show one precise error and change nothing; two sessions never see each other's upload."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save
from streamlit.testing.v1 import AppTest
from tests.app.spec import decode


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(7)
        self.embedding = torch.nn.Embedding(6, 4)
        self.encoder = torch.nn.GRU(4, 3, bidirectional=True)
        self.fc = torch.nn.Linear(6, 2)


VOCAB = ["<unk>", "the", "cat", "sat", "on", "mat"]


@pytest.fixture()
def page(app_test):
    """``page()`` -> AppTest of app.py switched to the Your model page (a new session each call)."""
    return lambda: _switch(app_test())


def _switch(at: AppTest) -> AppTest:
    at.switch_page("views/your_model.py")
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, vocab: bytes | None = None) -> AppTest:
    at.file_uploader(key="upload_weights_0").set_value((name, data, "application/octet-stream"))
    if vocab is not None:
        at.file_uploader(key="upload_vocab_0").set_value(("vocab.json", vocab, "application/json"))
    at.run()
    assert not at.exception
    return at


def summary(at: AppTest) -> dict:
    df = at.dataframe[0].value
    return dict(zip(df.iloc[:, 0], df.iloc[:, 1]))


def test_upload_confirm_and_heatmaps_equal_torch(page):
    net = Net().eval()
    at = upload(page(), "tagger.safetensors", save(net.state_dict()), json.dumps(VOCAB).encode())
    found = summary(at)
    assert found["cell"] == "Bi-GRU" and found["hidden_size"] == "3" and found["input_size"] == "4"
    assert found["recurrent layer (key prefix)"] == "encoder" and found["vocabulary size"] == "6"
    assert found["embedding"] == "embedding.weight (6, 4)"
    assert not at.get("plotly_chart")  # nothing is drawn before the student confirms
    at.button(key="upload_confirm").click().run()
    assert not at.exception and "tagger.safetensors" in at.success[0].value.replace("\\", "")
    assert at.file_uploader(key="upload_weights_1").value is None  # uploader emptied after confirm
    at.text_input(key="sentence").set_value("the cat sat on the mat").run()
    assert not at.exception
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(charts) == 4  # GRU: reset, update, candidate, hidden state
    hidden = charts[-1]["data"]  # forward panel, backward panel; each (H, T)
    with torch.no_grad():
        want, _ = net.encoder(net.embedding(torch.tensor([1, 2, 3, 4, 1, 5])))  # (T, 2H)
    np.testing.assert_allclose(decode(hidden[0]["z"]).T, want[:, :3].numpy(), atol=1e-5)
    np.testing.assert_allclose(decode(hidden[1]["z"]).T, want[:, 3:].numpy(), atol=1e-5)


def _malicious_pt(marker: Path) -> bytes:
    import builtins

    class WritesMarker:
        def __reduce__(self):
            return (builtins.open, (str(marker), "w"))

    buf = io.BytesIO()
    torch.save({"rnn.weight_ih_l0": torch.zeros(4, 2), "x": WritesMarker()}, buf)
    return buf.getvalue()


def _bad_uploads(tmp_path):
    good = dict(torch.nn.LSTM(3, 4).state_dict())
    nan = dict(good, weight_hh_l0=torch.full((16, 4), float("nan")))
    shape = dict(good, bias_ih_l0=torch.zeros(15))
    full = save(good)
    return {
        "empty": (b"", "is empty"),
        "truncated": (full[: len(full) - 10], "truncated"),
        "pickle": (_malicious_pt(tmp_path / "pwned"), "contains code"),
        "no_cell": (save({"fc.weight": torch.zeros(2, 2)}), "No recurrent layer found"),
        "shape": (save(shape), "'bias_ih_l0' has shape (15,) but an LSTM with hidden_size 4 needs (16,)"),
        "nan": (save(nan), "contains 64 NaN"),
    }


@pytest.mark.parametrize("case", ["empty", "truncated", "pickle", "no_cell", "shape", "nan"])
def test_bad_upload_shows_one_precise_error_and_nothing_else(case, tmp_path, page):
    data, needle = _bad_uploads(tmp_path)[case]
    at = upload(page(), "model.pt" if case == "pickle" else "model.safetensors", data)
    assert len(at.error) == 1
    shown = at.error[0].value.replace("\\", "")  # the page backslash-escapes markdown characters
    assert needle in shown, shown
    assert not at.dataframe and not at.get("plotly_chart")
    assert "upload_confirm" not in [button.key for button in at.button]  # nothing to confirm
    assert not (tmp_path / "pwned").exists()
    assert "_user_model" not in at.session_state


def test_vocab_not_fitting_is_reported(page):
    big = json.dumps([f"w{i}" for i in range(40)]).encode()
    at = upload(page(), "m.safetensors", save(Net().state_dict()), big)
    assert "40 tokens but the embedding has only 6 rows" in at.error[0].value.replace("\\", "")


def test_file_name_and_keys_never_become_markup(page):
    evil = "![x](http://example.invalid/t.png)<img src=x onerror=alert(1)>"
    at = upload(page(), evil + ".safetensors", save({evil + ".weight": torch.zeros(2, 2)}))
    body = at.error[0].value
    assert "img src=x" in body and "example.invalid" in body  # the text is shown ...
    assert not re.search(r"(?<!\\)[<>\[\]]", body)  # ... but every < > [ ] is escaped: no tag, no link


def test_two_sessions_never_see_each_other(page):
    net = Net()
    a = upload(page(), "a.safetensors", save(net.state_dict()))
    a.button(key="upload_confirm").click().run()
    assert a.success and "a.safetensors" in a.success[0].value
    b = page()  # a second browser tab: a new session on the same server process and caches
    assert not b.success and not b.get("plotly_chart")
    assert "_user_model" not in b.session_state
    # B uploads a different model: each session keeps its own
    other = torch.nn.LSTM(4, 5)
    b = upload(b, "b.safetensors", save({f"lstm.{k}": v for k, v in other.state_dict().items()}))
    b.button(key="upload_confirm").click().run()
    a.run()
    assert "a.safetensors" in a.success[0].value and "b.safetensors" in b.success[0].value
    # no tensors in session_state: only bytes and strings (memory per session stays bounded)
    stored = a.session_state["_user_model"]
    assert all(isinstance(v, (bytes, str, type(None))) for v in stored.__dict__.values())
