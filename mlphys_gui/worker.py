"""Work off the GUI thread (docs/architecture.md, "Threads, per tab": anything over ~30 ms).

A :class:`LatestJob` ("newest wins") runs one function at a time in Qt's global thread pool on
a frozen snapshot of its arguments. Submitting again cancels the running call (cooperatively,
through the ``cancel`` callable it receives) and drops anything it still reports, so no stale
result ever reaches the screen. Progress and results arrive on the GUI thread as Qt signals.

A :class:`SerialJob` runs calls one after another on a thread of its own, and the GUI can wait
for the one that runs (an animation's next frame).
"""

import threading
import traceback
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from PyQt6 import QtCore, sip

Work = Callable[..., Any]
"""``work(*args, progress=…, cancel=…)``; ``progress(*values)`` reports partial results."""


class _Signals(QtCore.QObject):
    progress = QtCore.pyqtSignal(int, object)
    finished = QtCore.pyqtSignal(int, object)
    failed = QtCore.pyqtSignal(int, str)


class _Run(QtCore.QRunnable):
    def __init__(
        self,
        generation: int,
        work: Work,
        args: tuple,
        signals: _Signals,
        cancelled: threading.Event,
    ):
        super().__init__()
        self.generation, self.work, self.args = generation, work, args
        self.signals, self.cancelled = signals, cancelled

    def run(self) -> None:
        try:
            result = self.work(
                *self.args,
                progress=lambda *values: self._emit("progress", values),
                cancel=self.cancelled.is_set,
            )
        except Exception as error:  # reported on the GUI thread, never raised there
            traceback.print_exc()
            self._emit("failed", f"{error.__class__.__name__}: {error}")
        else:
            self._emit("finished", result)

    def _emit(self, name: str, value) -> None:
        try:
            getattr(self.signals, name).emit(self.generation, value)
        except RuntimeError:  # the window closed while this ran: nobody is listening
            self.cancelled.set()


_LIVE_JOBS: "weakref.WeakSet[LatestJob]" = weakref.WeakSet()
SHUTDOWN_WAIT_MS = 10_000


def stop_all_jobs() -> None:
    """Cancel every running job and wait for the workers: called when the app quits, so no
    worker thread is still computing while the interpreter tears Qt down (a crash on exit)."""
    for job in list(_LIVE_JOBS):
        job.cancel()
    QtCore.QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)


class LatestJob(QtCore.QObject):
    """Runs the newest submitted call; older ones are cancelled and their reports dropped."""

    progress = QtCore.pyqtSignal(object)  # the tuple of values passed to progress(...)
    finished = QtCore.pyqtSignal(object)
    failed = QtCore.pyqtSignal(str)
    busyChanged = QtCore.pyqtSignal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._generation = 0
        self._cancelled = threading.Event()
        self._busy = False
        self._pool = QtCore.QThreadPool.globalInstance()
        _LIVE_JOBS.add(self)

    @property
    def busy(self) -> bool:
        return self._busy

    def submit(self, work: Work, *args) -> None:
        """Cancel whatever runs and start ``work(*args, progress=…, cancel=…)``."""
        self._cancelled.set()
        self._generation += 1
        self._cancelled = threading.Event()
        self._set_busy(True)
        self._pool.start(_Run(self._generation, work, args, self._signals, self._cancelled))

    def cancel(self) -> None:
        """Stop the running call; it reports nothing more."""
        self._cancelled.set()
        self._generation += 1
        if not sip.isdeleted(self):  # at exit, Qt may have deleted the owner (and this) already
            self._set_busy(False)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (for tests and shutdown)."""
        return self._pool.waitForDone(msecs)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    def _on_progress(self, generation: int, values) -> None:
        if generation == self._generation:
            self.progress.emit(values)

    def _on_finished(self, generation: int, result) -> None:
        if generation == self._generation:
            self._set_busy(False)
            self.finished.emit(result)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._set_busy(False)
            self.failed.emit(message)


class SerialJob(QtCore.QObject):
    """One call at a time on a thread of its own, for work the GUI must be able to wait for:
    the next frame of a live animation, computed while the event loop stays free for input.

    ``finished(result)`` or ``failed(exception)`` arrive on the GUI thread. ``settle()`` waits
    for the running call and delivers its outcome at once, so that the caller may then touch
    the objects the call works on; a delivery still queued after that is dropped.
    """

    finished = QtCore.pyqtSignal(object)
    failed = QtCore.pyqtSignal(object)
    _done = QtCore.pyqtSignal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="serial-job")
        self._future: Future | None = None
        self._generation = 0
        self._done.connect(self._deliver)  # queued: emitted on the worker thread

    @property
    def busy(self) -> bool:
        return self._future is not None

    def submit(self, work: Callable[..., Any], *args) -> None:
        """Start ``work(*args)``; only when not busy (the caller drops or defers otherwise)."""
        if self._future is not None:
            raise RuntimeError("SerialJob.submit while a call is running: settle() first")
        self._generation += 1
        generation = self._generation
        self._future = self._executor.submit(work, *args)
        self._future.add_done_callback(lambda _future: self._announce(generation))

    def settle(self) -> None:
        """Wait for the running call, if any, and deliver its outcome now."""
        if self._future is not None:
            wait([self._future])
            self._deliver(self._generation)

    def _announce(self, generation: int) -> None:
        try:
            self._done.emit(generation)
        except RuntimeError:  # the window closed while this ran: nobody is listening
            pass

    def _deliver(self, generation: int) -> None:
        if generation != self._generation or self._future is None:
            return  # settled already
        future, self._future = self._future, None
        error = future.exception()
        if error is None:
            self.finished.emit(future.result())
        else:
            self.failed.emit(error)
