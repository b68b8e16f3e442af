"""A class pressing Train at once: single flight, one training per core, a visible queue.

    sched = Scheduler(workers=2, max_seconds=90)
    ticket = sched.submit("session-id", "delayed-recall", "GRU", seed=0, lag=100)
    race = sched.submit_group("session-id", [("delayed-recall", cell, 0, {"lag": 100}) for cell in CELLS])
    ticket.poll()      # keeps the ticket alive; -> ticket.state, ticket.position, ticket.history
    ticket.stop()      # Stop: this learner no longer waits for it
    ticket.result      # LabRun once state is "done" (or "stopped" with what was learned so far)

Rules (issue 13, DESIGN §8):
- single flight: identical configurations (task, cell, seed, every option) train once, every
  learner who asked gets the same run — training is deterministic by seed, so sharing is exact;
- a shipped run (assets/lab) or a finished run in the bounded cache is returned at once;
- at most ``workers`` trainings run (one per core), the rest wait in FIFO order and each ticket
  knows its place in the queue;
- one active request per session: a new Train from the same session withdraws its previous one.
  A request is one configuration or a group (the race: RNN, LSTM and GRU on the same task and
  seed): a group's configurations are separate jobs in the one queue, so a second core that is free
  trains the next cell while the first trains — the ``workers`` cap still holds for everyone;
- a hard wall-clock cap per training (``max_seconds``);
- Stop, and leaving the page, free the slot: a training nobody waits for any more is stopped (a
  queued one is dropped). Leaving is noticed by silence — a page polls its ticket every second or
  so; a ticket not polled for ``idle_seconds`` is withdrawn;
- bounded memory: ``max_hidden`` caps the model size, ``cache_size`` the finished runs kept.
Threads, no processes: torch releases the GIL inside its kernels, and one thread per core with
``torch.set_num_threads(1)`` keeps the two cores busy without oversubscribing them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from rnnviz.lab.training import LabRun, config_key, resolve_options, train

QUEUED, RUNNING, DONE, STOPPED, FAILED = "queued", "running", "done", "stopped", "failed"
STOPPING_WAIT_SECONDS = 10.0   # how long a new request waits for a stopping job of its configuration


class Ticket:
    """One learner's request. Read ``state``, ``position`` (1 = next in line; 0 when running or
    finished), ``history`` (the live curve so far), ``result`` (LabRun), ``error`` (message)."""

    def __init__(self, scheduler: "Scheduler", session: str, job: "_Job | None"):
        self._scheduler, self.session, self._job = scheduler, session, job
        self.result: LabRun | None = None
        self.error: str | None = None
        self._state = DONE if job is None else QUEUED
        self.last_seen = time.monotonic()
        self.submitted = time.monotonic()
        self.started: float | None = None      # when its training started (queue wait = started - submitted)

    @property
    def state(self) -> str:
        return self._state

    @property
    def active(self) -> bool:
        return self._state in (QUEUED, RUNNING)

    @property
    def position(self) -> int:
        return self._scheduler._position(self._job) if self._state == QUEUED else 0

    @property
    def history(self) -> list[dict]:
        if self.result is not None:
            return self.result.history
        return list(self._job.history) if self._job is not None else []

    @property
    def steps(self) -> int:
        return self._job.steps if self._job is not None else (self.result.steps if self.result else 0)

    def poll(self) -> "Ticket":
        """The page's heartbeat: call it on every refresh."""
        self.last_seen = time.monotonic()
        return self

    def stop(self) -> None:
        """This learner stops waiting (the Stop button, or a new Train from the same session)."""
        self._scheduler._withdraw(self, STOPPED)

    def wait(self, timeout: float) -> bool:
        """Block until the ticket is no longer queued or running (a stopped training hands over
        what it learned at its next step). -> whether it finished within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._scheduler._lock:
            while self.active and time.monotonic() < deadline:
                self._scheduler._lock.wait(timeout=max(deadline - time.monotonic(), 0.0))
            return not self.active


class _Job:
    def __init__(self, key: tuple, args: tuple, options: dict):
        self.key, self.args, self.options = key, args, options
        self.tickets: list[Ticket] = []
        self.history: list[dict] = []
        self.steps = options["steps"]
        self.stop_flag = threading.Event()
        self.running = False


class Scheduler:
    def __init__(self, workers: int = 2, max_seconds: float = 90.0, cache_size: int = 16,
                 idle_seconds: float = 20.0, max_hidden: int = 64,
                 shipped: Callable[[str, str, int, dict], LabRun | None] | None = None,
                 trainer: Callable[..., LabRun] = train):
        self.workers, self.max_seconds, self.cache_size = workers, max_seconds, cache_size
        self.idle_seconds, self.max_hidden = idle_seconds, max_hidden
        self._shipped, self._train = shipped, trainer
        self._lock = threading.Condition()
        self._queue: list[_Job] = []                 # waiting, FIFO
        self._jobs: dict[tuple, _Job] = {}           # waiting or running, by configuration
        self._cache: OrderedDict[tuple, LabRun] = OrderedDict()
        self._sessions: dict[str, list[Ticket]] = {}  # each session's request: its tickets
        self._threads: list[threading.Thread] = []
        self.trained = 0                             # trainings actually run (for tests and benches)

    # -- the learner's side --------------------------------------------------------------------
    def submit(self, session: str, task: str, cell: str, seed: int = 0, **options) -> Ticket:
        """Ask for a run. Raises ValueError on invalid options (the page shows the message)."""
        return self.submit_group(session, [(task, cell, seed, options)])[0]

    def submit_group(self, session: str, configs: list[tuple[str, str, int, dict]]) -> list[Ticket]:
        """Ask for several runs as one request (the race): one ticket per ``(task, cell, seed,
        options)``, each its own job in the queue. Every configuration is checked before the
        session's previous request is withdrawn, so a bad option leaves a running training alone."""
        resolved = []
        for task, cell, seed, options in configs:
            spec, opts = resolve_options(task, cell, seed, **options)
            if opts["hidden_size"] > self.max_hidden:
                raise ValueError(f"hidden_size must be at most {self.max_hidden} here.")
            resolved.append((spec.name, cell, seed, opts))
        with self._lock:
            old = self._sessions.pop(session, [])
        for ticket in old:
            if ticket.active:
                ticket.stop()                            # one active request per session
        tickets = [self._enqueue(session, *config) for config in resolved]
        with self._lock:
            waiting = [t for t in tickets if t.active]
            if waiting:
                self._sessions[session] = waiting
            self._lock.notify_all()
        return tickets

    def _enqueue(self, session: str, task: str, cell: str, seed: int, opts: dict) -> Ticket:
        key = config_key(task, cell, seed, opts)
        ready = self._cache_get(key) or (self._shipped(task, cell, seed, opts) if self._shipped else None)
        with self._lock:
            if ready is not None:
                ticket = Ticket(self, session, None)
                ticket.result = ready
                return ticket
            job = self._jobs.get(key)
            deadline = time.monotonic() + STOPPING_WAIT_SECONDS
            while job is not None and job.stop_flag.is_set() and time.monotonic() < deadline:
                # The same configuration is being stopped (this session's Train again, right after
                # its withdrawal): joining it would hand this ticket a stopped run. It ends at its
                # next training step; then a fresh job starts.
                self._lock.wait(timeout=0.5)
                job = self._jobs.get(key)
            if job is None:
                job = _Job(key, (task, cell, seed), opts)
                self._jobs[key] = job
                self._queue.append(job)
                self._start_workers()
            ticket = Ticket(self, session, job)
            if job.running:
                ticket._state, ticket.started = RUNNING, time.monotonic()
            job.tickets.append(ticket)
            return ticket

    def leave(self, session: str) -> None:
        """The session is gone (closed tab): withdraw its request."""
        with self._lock:
            tickets = self._sessions.pop(session, [])
        for ticket in tickets:
            if ticket.active:
                self._withdraw(ticket, STOPPED)

    def status(self) -> dict:
        with self._lock:
            return {"running": sum(j.running for j in self._jobs.values()), "queued": len(self._queue),
                    "cached": len(self._cache), "trained": self.trained}

    # -- inside --------------------------------------------------------------------------------
    def _position(self, job: _Job) -> int:
        with self._lock:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def _cache_get(self, key: tuple) -> LabRun | None:
        with self._lock:
            run = self._cache.get(key)
            if run is not None:
                self._cache.move_to_end(key)
            return run

    def _withdraw(self, ticket: Ticket, state: str) -> None:
        with self._lock:
            job = ticket._job
            if not ticket.active or job is None:
                return
            if ticket in job.tickets:
                job.tickets.remove(ticket)
            mine = self._sessions.get(ticket.session, [])
            if ticket in mine:
                mine.remove(ticket)
                if not mine:
                    del self._sessions[ticket.session]
            if job.tickets:                          # others still wait for this run
                ticket._state = state
                return
            if job in self._queue:                   # nobody waits: drop it
                self._queue.remove(job)
                del self._jobs[job.key]
                ticket._state = state
            else:                                    # running: stop it; the worker hands over what it has
                job.tickets.append(ticket)
                job.stop_flag.set()
            self._lock.notify_all()

    def _reap(self) -> None:
        """Withdraw tickets nobody polled for idle_seconds (the page was left)."""
        now = time.monotonic()
        with self._lock:
            idle = [t for j in self._jobs.values() for t in j.tickets
                    if now - t.last_seen > self.idle_seconds and not j.stop_flag.is_set()]
        for ticket in idle:
            self._withdraw(ticket, STOPPED)

    def _start_workers(self) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._work, name=f"lab-worker-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next_job(self) -> _Job | None:
        with self._lock:
            while not self._queue:
                if not self._lock.wait(timeout=1.0):
                    break
            if not self._queue:
                return None
            job = self._queue.pop(0)
            job.running = True
            now = time.monotonic()
            for t in job.tickets:
                t._state, t.started = RUNNING, now
            return job

    def _work(self) -> None:
        while True:
            self._reap()
            job = self._next_job()
            if job is None:
                continue
            task, cell, seed = job.args

            def progress(run: LabRun, job=job) -> None:
                job.history = list(run.history)
                self._reap()

            try:
                run = self._train(task, cell, seed, progress=progress, stop=job.stop_flag.is_set,
                                  max_seconds=self.max_seconds, **job.options)
                error = None
            except Exception as exc:                 # a learner sees a message, the worker lives on
                run, error = None, f"{type(exc).__name__}: {exc}"
            with self._lock:
                self.trained += 1
                del self._jobs[job.key]
                if run is not None and run.stopped is None:
                    self._cache[job.key] = run
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
                for t in job.tickets:
                    t.result, t.error = run, error
                    t._state = FAILED if error else (DONE if run.stopped is None else STOPPED)
                self._lock.notify_all()
