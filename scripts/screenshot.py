"""Regenerate the README screenshot: assets/images/gate_explorer.png.

    python scripts/screenshot.py

Starts ``streamlit run app.py`` on a free loopback port, opens the default page in Debian's
chromium (1400×900) and saves a palette PNG (small enough to commit).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "images" / "gate_explorer.png"
VIEW: dict[str, str] = {}  # the first screen as a learner opens it: every default (rnnviz.analysis.defaults)


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/?" + urllib.parse.urlencode(VIEW))
            page.wait_for_selector(".js-plotly-plot .xtick", state="attached", timeout=60_000)
            time.sleep(2)  # let Plotly finish drawing every chart
            raw = OUT.with_suffix(".raw.png")
            page.screenshot(path=str(raw))
            browser.close()
        Image.open(raw).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(OUT, optimize=True)
        raw.unlink()
        print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size // 1024} KiB")
    finally:
        server.terminate()
        server.wait(15)


if __name__ == "__main__":
    main()
