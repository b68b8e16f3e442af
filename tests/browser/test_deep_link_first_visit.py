"""A lesson link opened as the very first request of a freshly started server (Community Cloud wakes a
sleeping app exactly like this) must go through app.py: its language, its navigation, no "Page not
found" dialog. Streamlit still auto-discovers a folder named ``pages/`` next to the main script even
with ``st.navigation``, and would run the page file directly on that first request — which is why the
lessons live in ``views/``. This test starts its own server so that its request really is the first."""

from __future__ import annotations

import pytest

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, running_server


@pytest.fixture()
def fresh_server():
    with running_server(log_name="streamlit-server-fresh.log") as url:
        yield url


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
    expect(page.get_by_label("句子", exact=True).and_(page.locator("input"))).to_have_value("hello world")
    context.close()
