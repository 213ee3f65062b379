"""SerialJob: one call at a time off the GUI thread, and the GUI can wait for it."""

import threading

import pytest

from mlphys_gui.worker import SerialJob


def test_the_result_arrives_on_the_gui_thread(qtbot):
    job = SerialJob()
    threads = []
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        job.submit(lambda a, b: (threads.append(threading.current_thread()), a + b)[1], 2, 3)
    assert blocker.args == [5] and not job.busy
    assert threads[0] is not threading.main_thread()


def test_settle_waits_and_delivers_once(qtbot):
    job = SerialJob()
    release = threading.Event()
    results = []
    job.finished.connect(results.append)
    job.submit(lambda: release.wait(5) and "done")
    assert job.busy
    threading.Timer(0.05, release.set).start()
    job.settle()  # blocks until the call ends, then delivers at once
    assert results == ["done"] and not job.busy
    qtbot.wait(50)  # the queued delivery from the worker thread is dropped
    assert results == ["done"]


def test_an_exception_is_delivered_not_raised(qtbot):
    job = SerialJob()
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        job.submit(lambda: 1 / 0)
    assert isinstance(blocker.args[0], ZeroDivisionError) and not job.busy


def test_one_call_at_a_time():
    job = SerialJob()
    release = threading.Event()
    job.submit(release.wait, 5)
    with pytest.raises(RuntimeError, match="settle"):
        job.submit(print)
    release.set()
    job.settle()
    assert not job.busy
