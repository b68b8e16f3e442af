"""End to end in a real browser: a student exports a trained model with save_file, uploads it on the
"Your model" page, confirms, types a sentence and sees the heatmaps; a malicious .pt is refused.

Uses the shared fixtures of tests/browser/conftest.py: ``streamlit_server`` (``streamlit run app.py``
on 127.0.0.1) and ``page`` (a fresh tab of Debian's /usr/bin/chromium driven by Playwright).
"""

from __future__ import annotations

import builtins
import io
import json
import os
from pathlib import Path

import torch
from safetensors.torch import save_file

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def trained_export(folder: Path) -> tuple[Path, Path, torch.nn.Module]:
    """What a student has after a course exercise: a small trained LSTM tagger, exported in 3 lines."""

    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(8, 5)
            self.lstm = torch.nn.LSTM(5, 6, batch_first=True)
            self.fc = torch.nn.Linear(6, 2)

        def forward(self, ids):
            return self.fc(self.lstm(self.embedding(ids))[0][:, -1])

    torch.manual_seed(0)
    model = Tagger()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    ids = torch.randint(1, 8, (32, 5))
    labels = (ids == 3).any(dim=1).long()  # "does the sentence contain token 3"
    for _ in range(30):  # a few real training steps
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(ids), labels).backward()
        opt.step()
    model.eval()
    weights = folder / "model.safetensors"
    save_file(model.state_dict(), str(weights))  # the README's export line
    vocab = folder / "vocab.json"
    vocab.write_text(json.dumps(["<unk>", "the", "cat", "sat", "on", "a", "mat", "."]))
    return weights, vocab, model


def open_upload_page(page, server_url):
    # Through the sidebar, as a student would.
    page.goto(server_url)
    page.wait_for_selector('[data-testid="stApp"]')
    # exact (case-sensitive) title: the one st.navigation registers
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Your model", exact=True).click()
    page.get_by_role("heading", name="Your own model").wait_for()
    page.get_by_text("Weights (.safetensors or .pt)").first.wait_for()


def test_upload_real_export_end_to_end(page, streamlit_server, tmp_path):
    weights, vocab, _ = trained_export(tmp_path)
    open_upload_page(page, streamlit_server)
    inputs = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    inputs.nth(0).set_input_files(str(weights))
    inputs.nth(1).set_input_files(str(vocab))
    page.get_by_text("Found in your file").wait_for()
    page.get_by_role("button", name="Use this model").click()
    page.get_by_text("Using your model").wait_for()
    box = page.get_by_label("Sentence", exact=True).and_(page.locator("input"))
    box.fill("the cat sat on a mat .")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 6", timeout=60_000)  # 4 gates, c, h
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stException"]').count() == 0
    chips = page.locator('[data-testid="rv-token-chips"]').inner_text()
    assert "mat" in chips and "cat" in chips
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload_end_to_end.png"), full_page=True)


class WritesMarker:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (builtins.open, (self.path, "w"))


def test_malicious_pt_is_refused_in_the_browser(page, streamlit_server, tmp_path):
    marker = tmp_path / "pwned"
    buf = io.BytesIO()
    torch.save({"lstm.weight_ih_l0": torch.zeros(8, 2), "payload": WritesMarker(marker)}, buf)
    evil = tmp_path / "model.pt"
    evil.write_bytes(buf.getvalue())
    open_upload_page(page, streamlit_server)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').nth(0).set_input_files(str(evil))
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="contains code")
    alert.wait_for()
    assert "nothing from it ran" in alert.inner_text()
    assert page.get_by_role("button", name="Use this model").count() == 0
    assert not marker.exists() and not os.path.exists(marker)
