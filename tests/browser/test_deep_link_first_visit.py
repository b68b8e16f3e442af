"""A lesson link opened as the very first request of a freshly started server (Community Cloud wakes a
sleeping app exactly like this) must go through app.py: its language, its navigation, no "Page not
found" dialog. Streamlit still auto-discovers a folder named ``pages/`` next to the main script even
with ``st.navigation``, and would run the page file directly on that first request — which is why the
lessons live in ``views/``. This test starts its own server so that its request really is the first."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, free_port, require_chromium


@pytest.fixture()
def fresh_server():
    require_chromium()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("streamlit not healthy after 60 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_first_request_is_a_chinese_deep_link(browser, fresh_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(fresh_server + "/gradients?lang=zh&sentence=hello+world")
    page.wait_for_selector(".js-plotly-plot", state="attached")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "deep_link_first_visit_zh.png"))
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "梯度消失" in nav and "门控总览" in nav  # app.py's navigation, in the link's language
    assert "gate explorer" not in nav.lower()  # not the file names of an auto-discovered folder
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_label("句子", exact=True).and_(page.locator("input")).input_value() == "hello world"
    context.close()
