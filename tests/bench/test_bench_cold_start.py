"""Benchmark (printed, not asserted): cold start to the first paint of the plot, against a bare
pyqtgraph window of the same size started the same way in the same run (issue 14: at most 2×).

Each start is a new interpreter, timed from its launch to the first paint event of the figure's
viewport; the app and the bare window take turns, so a load on the machine hits both alike. The
app starts as ``mlphys-gui`` does: once with no session (``--fresh``), once restoring a saved
session of all five tabs, which is how it opens every day. Python writes its bytecode caches
here (as an installed package has them) and one start of each is made before timing.
"""

import json
import os
import statistics
import subprocess
import sys
import time

from bench_report import report

from mlphys_gui.session import SessionStore
from mlphys_gui.tabs import TAB_CLASSES

RUNS = 5
WINDOW_SIZE = (1400, 860)

FIRST_PAINT = """
from PyQt6 import QtCore


class FirstPaint(QtCore.QObject):
    def eventFilter(self, watched, event):
        if event.type() == QtCore.QEvent.Type.Paint:
            QtCore.QTimer.singleShot(0, lambda: (print(time.time()), app.quit()))
            watched.removeEventFilter(self)
        return False


watcher = FirstPaint()
"""

APP = f"""
import sys, time
from PyQt6 import QtCore
from mlphys_gui.app import create_application
app = create_application()
from mlphys_gui.errors import ErrorReporter
from mlphys_gui.main_window import MainWindow
from mlphys_gui.session import SessionStore
settings = QtCore.QSettings(sys.argv[1], QtCore.QSettings.Format.IniFormat)
session = SessionStore(sys.argv[2]) if len(sys.argv) > 2 else None
window = MainWindow(settings=settings, session=session)
ErrorReporter(window)
window.restore_session()
window.resize(*{WINDOW_SIZE})
{FIRST_PAINT}
window.current_tab().figure_view().viewport().installEventFilter(watcher)
window.show()
app.exec()
"""

BARE = f"""
import sys, time
import numpy as np
import pyqtgraph as pg
from PyQt6 import QtWidgets
app = QtWidgets.QApplication(sys.argv[:1])
window = pg.PlotWidget()
window.plot(np.linspace(0, 1, 100), np.linspace(0, 1, 100) ** 2)
window.resize(*{WINDOW_SIZE})
{FIRST_PAINT}
window.viewport().installEventFilter(watcher)
window.show()
app.exec()
"""


def _seconds_to_first_paint(script: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode caches
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(out.stdout.split()[-1]) - start


def test_cold_start_against_a_bare_pyqtgraph_window(tmp_path):
    session = tmp_path / "session.json"
    SessionStore(session).save("svd", {n: c.SCHEMA.defaults() for n, c in TAB_CLASSES.items()})
    starts = {
        "bare pyqtgraph window": (BARE,),
        "mlphys-gui --fresh": (APP, str(tmp_path / "fresh.ini")),
        "mlphys-gui, session restored": (APP, str(tmp_path / "session.ini"), str(session)),
    }
    for script, *args in starts.values():  # bytecode caches, disk caches
        _seconds_to_first_paint(script, *args)
    times = {name: [] for name in starts}
    for _ in range(RUNS):
        for name, (script, *args) in starts.items():
            times[name].append(_seconds_to_first_paint(script, *args))
    bare = statistics.median(times["bare pyqtgraph window"])
    for name, runs in times.items():
        median = statistics.median(runs)
        report(
            f"Cold start → first paint, {name} ({WINDOW_SIZE[0]}×{WINDOW_SIZE[1]})",
            f"median {median * 1e3:.0f} ms over {RUNS} runs (range {min(runs) * 1e3:.0f}–"
            f"{max(runs) * 1e3:.0f} ms), {median / bare:.2f}× the bare window",
        )
    assert json.loads(session.read_text())["current"] == "svd"  # the session was not replaced
