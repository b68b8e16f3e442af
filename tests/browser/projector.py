"""Measuring a page as a projector shows it (issue 12): helpers shared by the projector browser test
and ``scripts/projector_screens.py``.

``measure(tab)`` returns, for the page in the tab (at scroll position 0):
- ``fonts``: the computed font size (px) of every visible SVG ``text`` in every Plotly chart, with
  its text and class (ticks, axis and colour-bar titles, annotations, diagram labels);
- ``top``: the top edge (px from the top of the window) of the first chart, None without a chart;
- ``overlaps``: pairs of visible text boxes in one chart that intersect by more than ``SLACK`` px
  in both directions (getBoundingClientRect);
- ``clipped``: visible chart texts whose box sticks out of their chart by more than ``SLACK`` px;
- ``untitled_colorbars``: colour bars without a title;
- ``contrast``: the lowest WCAG contrast of axis text (ticks, axis and chart titles) against the page;
- ``low_contrast``: annotation texts (diagram labels, notes) below WCAG 4.5:1 against what is under
  them: their own label box, else the filled shapes under their centre, else the page;
- ``chips``: the lowest contrast of the Neuron view's coloured text chips (text on its fill), None without;
- ``rotated_cjk``: visible chart texts containing CJK that are drawn rotated (a ``rotate(a, …)`` with
  a ≠ 0 in the ``transform`` of the text or of a group holding it: Plotly's y-axis titles, right-side
  colour-bar titles, crowded tick labels) — Chinese read sideways;
- ``not_found``: whether Streamlit's "Page not found" dialog is open.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1280, "height": 720}
SLACK = 1.5  # px: anti-aliasing and sub-pixel rounding, not an overlap anyone can see

MEASURE_JS = """(slack) => {
  const visible = e => { const r = e.getBoundingClientRect();
    return e.textContent.trim() && r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'
           && getComputedStyle(e).display !== 'none' && !e.closest('.hoverlayer'); };
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getBoundingClientRect().height > 0);
  const out = {charts: plots.length, fonts: [], top: null, overlaps: [], clipped: [], untitled_colorbars: 0,
               contrast: null, not_found: document.body.innerText.includes('Page not found')};
  const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const page = rgb(getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor);
  const bg = lum(page);
  const ratioOf = (a, b) => { const [x, y] = [lum(a), lum(b)]; return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const alpha = s => { const m = (s.match(/[\\d.]+/g) || []); return m.length > 3 ? Number(m[3]) : 1; };
  const over = (colour, a, under) => colour.map((v, i) => v * a + under[i] * (1 - a));
  const filled = (e, st) => st.fill && st.fill !== 'none' ? [rgb(st.fill), alpha(st.fill) * parseFloat(st.fillOpacity || 1) * parseFloat(st.opacity || 1)] : null;
  out.low_contrast = [];
  out.chips = null;
  out.rotated_cjk = [];
  const angle = node => { const m = (node.getAttribute && node.getAttribute('transform') || '').match(/rotate\\(\\s*(-?[\\d.]+)/);
                          return m ? Number(m[1]) : 0; };
  document.querySelectorAll('[data-testid="rv-neuron-text"] .tv').forEach(chip => {
    const st = getComputedStyle(chip);
    const ratio = ratioOf(rgb(st.color), over(rgb(st.backgroundColor), alpha(st.backgroundColor), page));
    if (out.chips === null || ratio < out.chips[0]) out.chips = [Math.round(ratio * 100) / 100, chip.textContent]; });
  if (plots.length) out.top = Math.round(plots[0].getBoundingClientRect().top + window.scrollY);
  plots.forEach((plot, k) => {
    const frame = plot.getBoundingClientRect();
    const texts = [...plot.querySelectorAll('svg text')].filter(visible);
    plot.querySelectorAll('.colorbar').forEach(bar => {
      if (![...bar.querySelectorAll('.cbtitle text')].some(e => e.textContent.trim())) out.untitled_colorbars++; });
    plot.querySelectorAll("g[class$='tick'] > text, .infolayer g[class^='g-'][class$='title'] > text").forEach(e => {
      if (!visible(e)) return;
      const fg = lum(rgb(getComputedStyle(e).fill));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (out.contrast === null || ratio < out.contrast[0]) out.contrast = [Math.round(ratio * 100) / 100, e.textContent.slice(0, 30)];
    });
    const shapes = [...plot.querySelectorAll('.shapelayer path')].map(p => [p.getBoundingClientRect(), filled(p, getComputedStyle(p))])
                     .filter(([, f]) => f);
    plot.querySelectorAll('g.annotation').forEach(g => {
      const e = g.querySelector('text');
      if (!e || !visible(e)) return;
      const r = e.getBoundingClientRect(), cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
      let under = page;
      shapes.forEach(([b, [colour, a]]) => { if (cx >= b.left && cx <= b.right && cy >= b.top && cy <= b.bottom) under = over(colour, a, under); });
      const label = g.querySelector('rect.bg'), f = label && filled(label, getComputedStyle(label));
      if (f) under = over(f[0], f[1], under);
      const ratio = ratioOf(rgb(getComputedStyle(e).fill), under);
      if (ratio < 4.5) out.low_contrast.push({chart: k, text: e.textContent.slice(0, 40), ratio: Math.round(ratio * 100) / 100});
    });
    texts.filter(e => /[\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]/.test(e.textContent)).forEach(e => {
      for (let node = e; node && node !== plot; node = node.parentNode)
        if (angle(node) % 360 !== 0) {
          out.rotated_cjk.push({chart: k, text: e.textContent.slice(0, 40), cls: e.getAttribute('class') || '', angle: angle(node)});
          break; }
    });
    const boxes = texts.map(e => {
      const r = e.getBoundingClientRect();
      const owner = e.closest('[class]:not(text)');
      out.fonts.push({chart: k, text: e.textContent.slice(0, 40), size: parseFloat(getComputedStyle(e).fontSize),
                      cls: (e.getAttribute('class') || '') + ' < ' + (owner ? owner.getAttribute('class') : '')});
      if (r.left < frame.left - slack || r.right > frame.right + slack || r.top < frame.top - slack ||
          r.bottom > frame.bottom + slack)
        out.clipped.push({chart: k, text: e.textContent.slice(0, 40)});
      return [e.textContent.slice(0, 40), r];
    });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > slack && h > slack) out.overlaps.push({chart: k, a: a, b: b, w: Math.round(w), h: Math.round(h)});
    }
  });
  return out;
}"""


def url_paths(app: Path = ROOT / "app.py") -> list[str]:
    """Every ``url_path`` declared in app.py's PAGES, in the sidebar's order."""
    return re.findall(r'url_path="([^"]*)"', app.read_text(encoding="utf-8"))


SETTLED_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]') &&
  [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))"""
COUNT_JS = "() => document.querySelectorAll('.js-plotly-plot .main-svg').length"


def settle(tab, pause_ms: int = 600, rounds: int = 60) -> None:
    """Wait until the script run has finished and its charts are painted: no running-status widget,
    every Plotly element has its SVG (plotly.js loads lazily), and the chart count held still over
    two checks ``pause_ms`` apart (a fragment may draw after the page's first paint)."""
    tab.wait_for_selector('[data-testid="stApp"]')
    last = -1
    for _ in range(rounds):
        tab.wait_for_timeout(pause_ms)
        tab.wait_for_function(SETTLED_JS)
        count = tab.evaluate(COUNT_JS)
        if count == last:
            return
        last = count


def open_page(tab, base: str, path: str, query: str = "", chart: bool = True) -> None:
    """Open a page and wait for it to settle (``chart``: also for its first chart to be painted)."""
    tab.goto(f"{base}/{path}" + (f"?{query}" if query else ""))
    tab.wait_for_selector('[data-testid="stMainBlockContainer"] h1')
    if chart:
        tab.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
    settle(tab)


def measure(tab) -> dict:
    tab.evaluate("window.scrollTo(0, 0)")
    return tab.evaluate(MEASURE_JS, SLACK)


def min_font(result: dict) -> float | None:
    sizes = [f["size"] for f in result["fonts"]]
    return min(sizes) if sizes else None
