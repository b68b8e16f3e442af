"""An uploaded model is offered by the model picker of this session only, and the Gate Explorer
draws it exactly as torch computes it (applies with docs/upload_picker.patch)."""

from __future__ import annotations

import json

import numpy as np
import torch
from safetensors.torch import save
from tests.app.spec import decode


def test_uploaded_model_in_the_gate_explorer_of_its_own_session_only(app_test):
    torch.manual_seed(0)
    embedding, lstm = torch.nn.Embedding(6, 4), torch.nn.LSTM(4, 3, bidirectional=True)
    state = {"embedding.weight": embedding.weight.detach()}
    state.update({f"rnn.{k}": v for k, v in lstm.state_dict().items()})
    vocab = json.dumps(["<unk>", "the", "cat", "sat", "on", "mat"]).encode()

    a = app_test()
    a.switch_page("views/your_model.py")
    a.run()
    a.file_uploader(key="upload_weights_0").set_value(("mine.safetensors", save(state), "application/octet-stream"))
    a.file_uploader(key="upload_vocab_0").set_value(("vocab.json", vocab, "application/json"))
    a.run()
    a.button(key="upload_confirm").click().run()
    a.switch_page("views/gate_explorer.py")
    a.run()
    mine = [o for o in a.selectbox(key="model").options if "mine.safetensors" in o]
    assert len(mine) == 1
    a.selectbox(key="model").select(mine[0]).run()
    a.text_input(key="sentence").set_value("the cat sat on the mat").run()
    assert not a.exception and not a.error
    charts = [json.loads(c.proto.spec) for c in a.get("plotly_chart")]
    hidden = [c for c in charts if "hidden" in json.dumps(c["layout"].get("title", "")).lower()][0]["data"]
    with torch.no_grad():
        want, _ = lstm(embedding(torch.tensor([1, 2, 3, 4, 1, 5])))  # (T, 2H)
    np.testing.assert_allclose(decode(hidden[0]["z"]).T, want[:, :3].numpy(), atol=1e-5)
    np.testing.assert_allclose(decode(hidden[1]["z"]).T, want[:, 3:].numpy(), atol=1e-5)

    name = a.session_state["model"]
    assert name.startswith("upload-")
    b = app_test({"model": name})  # another session, even holding a link with the name
    assert not [o for o in b.selectbox(key="model").options if "mine.safetensors" in o]
    assert b.session_state["model"] != name and not b.exception
