"""The class queue with real threads: single flight, one training per worker, queue positions,
one request per session, Stop / leaving free the slot, the wall-clock cap, a bounded cache."""

from __future__ import annotations

import threading
import time

import pytest

from rnnviz.lab.scheduler import DONE, QUEUED, RUNNING, STOPPED, Scheduler
from rnnviz.lab.training import LabRun

OPTS = dict(lag=5, steps=20, hidden_size=4)


class FakeTrainer:
    """Stands in for rnnviz.lab.train: runs until released (or stopped), records concurrency."""

    def __init__(self):
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.calls: list[tuple] = []

    def __call__(self, task, cell, seed, progress=None, stop=None, max_seconds=None, **options):
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.calls.append((task, cell, seed))
        run = LabRun(task, cell, seed, options)
        t0 = time.monotonic()
        step = 0
        try:
            while not self.release.is_set():
                step += 1
                run.history.append({"step": step, "loss": 1.0, "accuracy": 0.25, "seconds": 0.0})
                progress(run)
                if stop():
                    run.stopped = "stop"
                    break
                if max_seconds is not None and time.monotonic() - t0 > max_seconds:
                    run.stopped = "time"
                    break
                time.sleep(0.005)
            run.final_accuracy = 0.25
            return run
        finally:
            with self.lock:
                self.running -= 1


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


@pytest.fixture()
def fake():
    trainer = FakeTrainer()
    yield trainer
    trainer.release.set()


def test_identical_configurations_train_once(fake):
    sched = Scheduler(workers=2, trainer=fake)
    tickets = []
    threads = [threading.Thread(target=lambda i=i: tickets.append(
        sched.submit(f"s{i}", "delayed-recall", "GRU", seed=0, **OPTS))) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wait_for(lambda: all(t.state == RUNNING for t in tickets))
    fake.release.set()
    wait_for(lambda: all(t.state == DONE for t in tickets))
    assert len(fake.calls) == 1 and sched.trained == 1
    assert len({id(t.result) for t in tickets}) == 1                # one shared run
    again = sched.submit("late", "delayed-recall", "GRU", seed=0, **OPTS)
    assert again.state == DONE and again.result is tickets[0].result and sched.trained == 1


def test_at_most_one_training_per_worker_and_queue_positions(fake):
    sched = Scheduler(workers=2, trainer=fake)
    tickets = [sched.submit(f"s{i}", "delayed-recall", "LSTM", seed=i, **OPTS) for i in range(5)]
    wait_for(lambda: sum(t.state == RUNNING for t in tickets) == 2)
    time.sleep(0.05)
    assert fake.peak == 2
    assert [t.position for t in tickets] == [0, 0, 1, 2, 3]
    assert [t.state for t in tickets[2:]] == [QUEUED] * 3
    tickets[2].stop()                                               # a waiting learner gives up
    assert tickets[2].state == STOPPED and [t.position for t in tickets[3:]] == [1, 2]
    fake.release.set()
    wait_for(lambda: all(t.state == DONE for t in tickets if t is not tickets[2]))
    assert fake.peak == 2 and len(fake.calls) == 4                  # the withdrawn one never trained


def test_stop_frees_the_slot_and_hands_over_what_was_learned(fake):
    sched = Scheduler(workers=1, trainer=fake)
    first = sched.submit("a", "delayed-recall", "RNN", seed=0, **OPTS)
    second = sched.submit("b", "delayed-recall", "RNN", seed=1, **OPTS)
    wait_for(lambda: first.state == RUNNING and len(first.history) > 2)
    assert second.position == 1
    first.stop()
    assert first.wait(10) and first.state == STOPPED
    wait_for(lambda: second.state == RUNNING)
    assert first.result is not None and first.result.stopped == "stop" and first.result.history
    assert sched.status()["cached"] == 0                            # a stopped run is not shared


def test_stop_by_one_learner_keeps_the_run_for_the_others(fake):
    sched = Scheduler(workers=1, trainer=fake)
    a = sched.submit("a", "dyck1", "LSTM", seed=0, steps=20)
    b = sched.submit("b", "dyck1", "LSTM", seed=0, steps=20)
    wait_for(lambda: a.state == RUNNING)
    a.stop()
    assert a.state == STOPPED and b.state == RUNNING
    fake.release.set()
    wait_for(lambda: b.state == DONE)
    assert b.result.stopped is None


def test_one_request_per_session(fake):
    sched = Scheduler(workers=1, trainer=fake)
    first = sched.submit("me", "delayed-recall", "GRU", seed=0, **OPTS)
    wait_for(lambda: first.state == RUNNING)
    second = sched.submit("me", "delayed-recall", "GRU", seed=1, **OPTS)   # Train again, other seed
    wait_for(lambda: first.state == STOPPED and second.state == RUNNING)
    assert sched.status()["running"] == 1


def test_leaving_the_page_frees_the_slot(fake):
    sched = Scheduler(workers=1, idle_seconds=0.2, trainer=fake)
    gone = sched.submit("gone", "delayed-recall", "GRU", seed=0, **OPTS)
    waiting = sched.submit("here", "delayed-recall", "GRU", seed=1, **OPTS)
    # "gone" is never polled, so after idle_seconds it is withdrawn: on a loaded machine it can be
    # RUNNING and STOPPED again between two looks, so wait for either
    wait_for(lambda: gone.state in (RUNNING, STOPPED))
    deadline = time.monotonic() + 10
    while waiting.state != RUNNING and time.monotonic() < deadline:
        waiting.poll()                              # only this page keeps polling
        time.sleep(0.02)
    assert waiting.state == RUNNING and gone.state == STOPPED
    sched.leave("here")
    wait_for(lambda: waiting.state == STOPPED)
    wait_for(lambda: sched.status()["running"] == 0)


def test_hard_wall_clock_cap(fake):
    sched = Scheduler(workers=1, max_seconds=0.1, trainer=fake)
    ticket = sched.submit("a", "delayed-recall", "GRU", seed=0, **OPTS)
    wait_for(lambda: ticket.state == STOPPED)
    assert ticket.result.stopped == "time"


def test_real_training_through_the_scheduler_and_its_cap():
    sched = Scheduler(workers=1, max_seconds=60)
    ticket = sched.submit("a", "delayed-recall", "GRU", seed=0, **OPTS)
    wait_for(lambda: ticket.poll().state == DONE, timeout=120)
    assert ticket.result.step == 20 and ticket.result.model is not None
    capped = Scheduler(workers=1, max_seconds=0.0).submit("a", "delayed-recall", "GRU", seed=0, lag=5, steps=500)
    wait_for(lambda: capped.poll().state == STOPPED, timeout=120)
    assert capped.result.stopped == "time" and capped.result.step < 500


def test_shipped_runs_come_back_at_once_and_cache_is_bounded(fake):
    shipped = LabRun("delayed-recall", "GRU", 0, {})
    sched = Scheduler(workers=1, cache_size=2, trainer=fake,
                      shipped=lambda task, cell, seed, opts: shipped if seed == 0 else None)
    ticket = sched.submit("a", "delayed-recall", "GRU", seed=0, **OPTS)
    assert ticket.state == DONE and ticket.result is shipped and sched.trained == 0
    fake.release.set()
    for seed in (1, 2, 3):
        t = sched.submit("a", "delayed-recall", "GRU", seed=seed, **OPTS)
        wait_for(lambda: t.state == DONE)
    assert sched.status()["cached"] == 2
    with pytest.raises(ValueError):
        sched.submit("a", "delayed-recall", "GRU", seed=0, hidden_size=200)


RACE = [("delayed-recall", cell, 0, OPTS) for cell in ("RNN", "LSTM", "GRU")]


def test_a_race_uses_a_free_second_core_and_stays_one_request(fake):
    sched = Scheduler(workers=2, trainer=fake)
    race = sched.submit_group("me", RACE)
    wait_for(lambda: sum(t.state == RUNNING for t in race) == 2)
    assert [t.state for t in race] == [RUNNING, RUNNING, QUEUED] and race[2].position == 1
    wait_for(lambda: all(len(t.history) > 2 for t in race[:2]))      # both cells' progress is visible
    other = sched.submit("you", "delayed-recall", "GRU", seed=0, **OPTS)   # the same GRU: shared
    assert other._job is race[2]._job and other.position == 1
    time.sleep(0.05)
    assert fake.peak == 2                                           # never more than one per worker
    again = sched.submit_group("me", RACE[:1])        # Train again, the RNN alone: the old race is withdrawn
    wait_for(lambda: all(t.state == STOPPED for t in race))
    assert race[0].result.stopped == "stop" and race[2].result is None
    assert other.active                                             # …but not the GRU another learner waits for
    fake.release.set()
    wait_for(lambda: other.state == DONE and again[0].state == DONE)
    assert again[0].result.stopped is None                          # a fresh RNN, not the stopped one
    assert [c[1] for c in fake.calls].count("RNN") == 2 and fake.peak == 2


def test_a_race_finishes_cell_by_cell_and_leaving_withdraws_all(fake):
    sched = Scheduler(workers=2, trainer=fake)
    race = sched.submit_group("me", RACE)
    wait_for(lambda: race[0].state == RUNNING and race[1].state == RUNNING)
    sched.leave("me")
    wait_for(lambda: all(t.state == STOPPED for t in race))
    assert race[2].result is None                                   # queued: dropped, never trained
    wait_for(lambda: sched.status()["running"] == 0)
    assert len(fake.calls) == 2 and sched.status()["queued"] == 0


def test_a_bad_configuration_leaves_the_running_request_alone(fake):
    sched = Scheduler(workers=1, trainer=fake)
    first = sched.submit("me", "delayed-recall", "GRU", seed=0, **OPTS)
    wait_for(lambda: first.state == RUNNING)
    with pytest.raises(ValueError):
        sched.submit_group("me", [RACE[0], ("delayed-recall", "LSTM", 0, dict(OPTS, hidden_size=999))])
    assert first.state == RUNNING
