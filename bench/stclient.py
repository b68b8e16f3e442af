"""A Streamlit server and a tab of it, as the benchmarks need them (loopback only, every wait bounded).

- ``start_server(app)``: ``streamlit run app`` on 127.0.0.1 and a free port, healthy or an error;
- ``Session``: one browser tab as the server sees it, speaking Streamlit's own websocket protocol
  (``/_stcore/stream``): a ``BackMsg.rerun_script`` carrying the page, the query string and the
  widget states, answered by ``ForwardMsg``s (``new_session``, ``delta``s, ``auto_rerun``, ...,
  ``script_finished``). The tab learns the id of every keyed widget from the deltas (Streamlit's ids
  end in ``-<key>``) and the fragment it lives in, and sends what a browser sends: the widget's new
  value (or a button's trigger), plus the fragment id when the widget is inside an ``st.fragment``
  (then only that fragment reruns). ``auto_rerun`` (an ``st.fragment(run_every=...)``) is recorded so
  a caller can send the timer's ticks as the browser would.
- ``server_cpu`` / ``HostSampler``: CPU seconds of the server, and what the rest of the host did
  meanwhile (the machine is shared: a benchmark must say how loaded it was).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

LOG = Path(__file__).resolve().parent.parent / "artifacts" / "bench-server.log"
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app: Path, port: int | None = None, threads: str | None = None,
                 extra: tuple[str, ...] = (), cwd: Path | None = None) -> tuple[subprocess.Popen, int]:
    """``streamlit run app`` on 127.0.0.1; returns (process, port) once /_stcore/health says ok.
    cwd (default: the app's folder) is where Streamlit looks for .streamlit/config.toml."""
    port = port or free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if threads:  # torch reads these at start-up for its intra-op pool (torch.get_num_threads())
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = threads
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra]
    LOG.parent.mkdir(exist_ok=True)
    with open(LOG, "wb") as log:  # a file, not a pipe: a full pipe nobody reads would stall the server
        proc = subprocess.Popen(cmd, cwd=cwd or app.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {LOG.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not answer /_stcore/health within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def server_cpu(pid: int) -> float:
    """User + system CPU seconds used so far by the server process and its children."""
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc] + proc.children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


class HostSampler(threading.Thread):
    """Every 50 ms: the server's resident memory (peak); at start and stop: the host's load average
    and the share of the host's CPU the *other* processes used (all busy CPU minus the server's and
    this benchmark's own), so a figure measured on a busy machine says so."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.proc, self.peak, self.stop_flag = psutil.Process(pid), 0, threading.Event()
        self.me = psutil.Process()

    def _busy(self) -> tuple[float, float, float, float]:
        host = psutil.cpu_times()
        busy = sum(host) - host.idle - getattr(host, "iowait", 0.0)
        own = self.me.cpu_times()
        return time.monotonic(), busy, server_cpu(self.proc.pid), own.user + own.system

    def start(self):
        self.load_before, self.t0 = os.getloadavg(), self._busy()
        super().start()

    def run(self):
        while not self.stop_flag.is_set():
            try:
                rss = self.proc.memory_info().rss + sum(c.memory_info().rss for c in self.proc.children(recursive=True))
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            self.stop_flag.wait(0.05)

    def stop(self) -> dict:
        t1 = self._busy()
        self.stop_flag.set()
        self.join()
        wall, busy, server, own = (b - a for a, b in zip(self.t0, t1))
        cores = os.cpu_count() or 1
        return {"loadavg_before": [round(x, 2) for x in self.load_before],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                "others_cpu_share": round(max(0.0, busy - server - own) / (wall * cores), 3),
                "server_cpu_share": round(server / (wall * cores), 3),
                "rss_peak_mb": round(self.peak / 2**20, 1), "wall_s": round(wall, 1)}


class Session:
    """One browser tab, as the server sees it: a websocket speaking BackMsg / ForwardMsg."""

    def __init__(self, url: str, page: str = "", query: str = "", timeout: float = 120.0):
        self.url, self.page, self.query, self.timeout = url, page, query, timeout
        self.ws = None
        self.page_hash = ""  # the page's script hash, as the server names it (the browser sends it back)
        self.widgets: dict[str, tuple[str, str, str]] = {}  # key -> (id, element type, fragment id)
        self.options: dict[str, list[str]] = {}  # key -> a select_slider's formatted options
        self.timer: tuple[float, str] | None = None  # (interval s, fragment id) of a run_every fragment
        self.charts: list[str] = []  # plotly spec JSON of the last run, in order
        self.kinds: list[str] = []  # the element types the last run drew, in order ("progress", "alert", ...)
        self.errors: list[str] = []
        self.not_found = False  # the server answered page_not_found (no such page in the navigation)

    async def open(self) -> float:
        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=None,
                                open_timeout=self.timeout, ping_interval=None)
        return await self.rerun()  # first page load (what a tab does when it connects)

    def has(self, key: str) -> bool:
        return key in self.widgets

    async def set(self, key: str, value) -> float:
        """Give the widget ``key`` a new value (a button: ``True`` = click); seconds until the
        rerun it causes finished."""
        if key not in self.widgets:
            raise RuntimeError(f"no widget with key {key!r} on the page {self.page!r}")
        return await self.rerun(fragment_id=self.widgets[key][2], changes={key: value})

    async def tick(self) -> float:
        """One tick of the page's run_every fragment, as the browser's timer sends it."""
        if self.timer is None:
            raise RuntimeError("the page has no running fragment timer")
        return await self.rerun(fragment_id=self.timer[1], auto=True)

    def _state(self, msg: BackMsg, key: str, value) -> None:
        wid, kind, _ = self.widgets[key]
        w = msg.rerun_script.widget_states.widgets.add()
        w.id = wid
        if kind == "button":
            w.trigger_value = bool(value)
        elif kind in ("text_input", "text_area"):
            w.string_value = str(value)
        elif kind == "slider" and self.options.get(key):  # a select_slider: its formatted option
            w.string_array_value.data.append(self.options[key][int(value)])
        elif kind == "slider":
            w.double_array_value.data.append(float(value))
        elif kind in ("selectbox", "radio"):
            w.int_value = int(value)
        elif kind in ("checkbox", "toggle"):
            w.bool_value = bool(value)
        else:
            raise RuntimeError(f"widget type {kind} not supported by the benchmark client")

    async def rerun(self, fragment_id: str = "", changes: dict | None = None, auto: bool = False) -> float:
        """One script run; ``changes``: the widgets whose value the user changed (key -> value).
        Only those are sent: the server keeps every other widget's last value, and resending a
        stale one (a step the server has moved on since, while playing) would undo the server's move."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = self.page
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.is_auto_rerun = auto
        for key, value in (changes or {}).items():
            self._state(msg, key, value)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        charts, kinds, full = [], [], not fragment_id  # a fragment run can turn into a full one (st.rerun)
        while True:  # bounded by the timeout below
            raw = await asyncio.wait_for(self.ws.recv(), timeout=self.timeout)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                which = el.WhichOneof("type")
                kinds.append(which)
                if which == "exception":
                    self.errors.append(el.exception.message[:200])
                elif which == "plotly_chart":
                    charts.append(el.plotly_chart.spec)
                elif which == "alert" and el.alert.format == el.alert.ERROR:
                    self.errors.append(el.alert.body[:200])
                else:
                    wid = getattr(getattr(el, which), "id", "") if which else ""
                    if isinstance(wid, str) and wid.startswith("$$ID-") and "-" in wid[5:]:
                        key = wid.split("-", 2)[2]
                        if key and key != "None":
                            self.widgets[key] = (wid, which, fwd.delta.fragment_id)
                            if which == "slider":
                                self.options[key] = list(el.slider.options)
            elif kind == "page_not_found":
                self.not_found = True
            elif kind == "new_session":
                # a one-page app (no st.navigation) names its page here only
                self.page_hash = self.page_hash or fwd.new_session.page_script_hash
                if full:  # timers live on only if this run starts them again
                    self.timer = None
            elif kind == "navigation":  # st.navigation resolved the page: its hash is the page's id
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "auto_rerun":
                self.timer = (fwd.auto_rerun.interval, fwd.auto_rerun.fragment_id)
            elif kind == "stop_auto_rerun":
                self.timer = None
            elif kind == "script_finished" and fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                full = True
            elif kind == "script_finished" and fwd.script_finished in DONE:
                self.charts, self.kinds = charts, kinds  # a fragment run sends only its own elements
                return time.perf_counter() - start

    async def close(self):
        if self.ws is not None:
            await self.ws.close()


def pct(values: list[float], q: float) -> float:
    """q-th percentile (0..100), linear interpolation."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)
