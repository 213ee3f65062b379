"""LatestJob: work off the GUI thread, newest wins, cancellable, errors reported."""

import time

from PyQt6 import QtCore, sip

from mlphys_gui.worker import LatestJob


def counting(label, steps, delay, progress, cancel):
    for i in range(steps):
        if cancel():
            return None
        time.sleep(delay)
        progress(label, i)
    return label


def failing(progress, cancel):
    raise ValueError("bad parameters")


def test_newest_submission_wins_and_stale_reports_are_dropped(qtbot):
    job = LatestJob()
    seen, results = [], []
    job.progress.connect(lambda values: seen.append(values[0]))
    job.finished.connect(results.append)
    job.submit(counting, "old", 50, 0.01)
    qtbot.waitUntil(lambda: "old" in seen, timeout=5000)
    job.submit(counting, "new", 3, 0.01)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    job.wait()
    qtbot.wait(50)
    assert results == ["new"]
    assert seen[-1] == "new" and seen.count("new") == 3
    assert not job.busy


def test_cancel_stops_reports(qtbot):
    job = LatestJob()
    seen, results = [], []
    job.progress.connect(seen.append)
    job.finished.connect(results.append)
    job.submit(counting, "run", 100, 0.01)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    job.cancel()
    count = len(seen)
    job.wait()
    qtbot.wait(50)
    assert results == [] and len(seen) == count and not job.busy


def test_failure_is_reported_not_raised(qtbot):
    job = LatestJob()
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        job.submit(failing)
    assert "bad parameters" in blocker.args[0]
    assert not job.busy


def test_cancelling_a_job_whose_owner_qt_deleted_is_quiet(qapp):
    """At exit the atexit handler cancels every job; Qt may already have deleted some."""
    owner = QtCore.QObject()
    job = LatestJob(owner)
    job.submit(counting, "slow", 50, 0.01)  # busy
    sip.delete(owner)
    assert sip.isdeleted(job)
    job.cancel()  # used to raise "wrapped C/C++ object of type LatestJob has been deleted"
    assert QtCore.QThreadPool.globalInstance().waitForDone(5000)
