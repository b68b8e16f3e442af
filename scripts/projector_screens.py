"""Screenshots of every page at a projector's 1280×720, with the measurements of issue 12.

    python scripts/projector_screens.py [--dark] [--combos en,zh,en-lesson,zh-lesson] [--pages gates,...]

Starts one Streamlit server (the dark theme with --dark), opens every page of app.py in each
language / lesson-mode combination, writes artifacts/screen_<theme>_<combo>_<page>.png and prints,
per page: the smallest chart font (px), the first chart's top edge (px), overlapping and clipped
chart texts, and whether "Page not found" showed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, running_server  # noqa: E402
from tests.browser.projector import VIEWPORT, measure, min_font, open_page, url_paths  # noqa: E402

QUERIES = {"en": "lang=en", "zh": "lang=zh", "en-lesson": "lang=en&lesson=1", "zh-lesson": "lang=zh&lesson=1"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dark", action="store_true")
    ap.add_argument("--combos", default=",".join(QUERIES))
    ap.add_argument("--pages", default="")
    args = ap.parse_args()
    theme = "dark" if args.dark else "light"
    pages = args.pages.split(",") if args.pages else url_paths()
    from playwright.sync_api import sync_playwright

    extra = ("--theme.base", "dark") if args.dark else ()
    results = {}
    with running_server(*extra, log_name=f"screens-{theme}.log") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for combo in args.combos.split(","):
            context = browser.new_context(viewport=VIEWPORT, locale="en-US", color_scheme=theme)
            tab = context.new_page()
            tab.set_default_timeout(90_000)
            for path in pages:
                try:
                    open_page(tab, base, path, QUERIES[combo], chart=path != "your-model")
                except Exception as error:  # a slow page on a loaded machine: report it, keep going
                    print(f"{combo:10s} {path:16s} failed: {str(error).splitlines()[0]}", flush=True)
                    continue
                result = measure(tab)
                tab.screenshot(path=str(ARTIFACTS / f"screen_{theme}_{combo}_{path}.png"))
                results[f"{combo}/{path}"] = result
                print(f"{combo:10s} {path:16s} min font {min_font(result)} top {result['top']} "
                      f"overlaps {len(result['overlaps'])} clipped {len(result['clipped'])} "
                      f"not_found {result['not_found']}", flush=True)
            context.close()
        browser.close()
    (ARTIFACTS / f"screens_{theme}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
