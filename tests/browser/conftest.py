"""A real server and a real browser: ``streamlit run app.py`` on a free loopback port, driven by
Playwright through Debian's /usr/bin/chromium (never a downloaded browser).

Fixtures: ``streamlit_server`` (session: base URL, server started once), ``browser`` (module) and
``page`` (a fresh 1400×1000 tab per test). Screenshots go to artifacts/ (git-ignored).
Without chromium the tests are skipped locally but *fail* in CI (CI=true), where the test command
installs it: a green CI must never hide a browser test that did not run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("RNNVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found (apt-get install chromium; scripts/test.sh does it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def running_server(*extra_args: str, log_name: str = "streamlit-server.log"):
    """``streamlit run app.py`` on 127.0.0.1:<free port>; yields its base URL once healthy."""
    require_chromium()
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / log_name, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *extra_args],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}; see artifacts/{log_name}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {STARTUP_SECONDS} s; see artifacts/{log_name}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


WARM_UP_SECONDS = 240


def warm_up(url: str) -> None:
    """Open the default page once and wait for its first chart. A fresh server's first script run
    imports torch and plotly, loads models and computes the first-screen defaults: tens of seconds on
    a busy 2-core machine, which must not come out of the first test's 60 s waits."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = instance.new_page()
            tab.goto(url + "/", timeout=WARM_UP_SECONDS * 1000)
            tab.wait_for_selector(".js-plotly-plot", timeout=WARM_UP_SECONDS * 1000)
        finally:
            instance.close()


@pytest.fixture(scope="session")
def streamlit_server():
    """Base URL of the app server shared by the browser tests (started once and warmed up, stopped
    at the end). Tests of a cold server's first request start their own (``running_server``)."""
    with running_server() as url:
        warm_up(url)
        yield url


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module. Module scope, not session: Playwright's sync API cannot nest,
    so a module that starts its own ``sync_playwright()`` must not run while this one is open."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, streamlit_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture()
def tab(browser, streamlit_server):
    context = browser.new_context(viewport=PROJECTOR, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
