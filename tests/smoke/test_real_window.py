"""Smoke test: the installed ``mlphys-gui`` command in a real X window (Xvfb, xcb platform).

Needs the Debian packages that tests/run.sh installs (xvfb, xdotool and Qt's xcb libraries).
Under CI a missing package is a failure, elsewhere a skip.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlphys_gui.tabs import TAB_CLASSES

pytestmark = pytest.mark.smoke
TOOLS = ("Xvfb", "xdotool")


def _need_tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"missing {', '.join(missing)}: run tests/run.sh, which installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _start_xvfb(*screens: str):
    _need_tools()
    read, write = os.pipe()
    layout = [arg for index, size in enumerate(screens) for arg in ("-screen", str(index), size)]
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), *layout, "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = f":{pipe.readline().strip()}"
    return server, display


@pytest.fixture
def xserver():
    server, display = _start_xvfb("1600x1000x24")
    yield display
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def two_screens():
    """A laptop and a projector: Qt sees the two X screens of one Xvfb as two screens."""
    server, display = _start_xvfb("1280x800x24", "1600x900x24")
    yield display
    server.terminate()
    server.wait(timeout=10)


def _installed_command() -> str:
    command = Path(sys.executable).with_name("mlphys-gui")
    if not command.exists():
        pytest.fail(f"{command} is not installed: pip install . first")
    return str(command)


def _xdotool(display, *args, check=True):
    return subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=check,
        timeout=30,
    )


def test_app_opens_every_tab_in_a_real_window_and_quits_with_ctrl_q(xserver, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(
        DISPLAY=xserver,
        QT_QPA_PLATFORM="xcb",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_RUNTIME_DIR=str(tmp_path),
    )
    app = subprocess.Popen(
        [_installed_command()],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        window = ""
        deadline = time.monotonic() + 60
        while not window and time.monotonic() < deadline:
            assert app.poll() is None, f"the app exited early: {app.communicate()[1]}"
            found = _xdotool(
                xserver, "search", "--onlyvisible", "--name", "mlphys-gui", check=False
            )
            window = found.stdout.split()[0] if found.stdout.split() else ""
            time.sleep(0.25)
        assert window, "no mlphys-gui window appeared within 60 s"
        _xdotool(xserver, "windowfocus", "--sync", window)
        for index in range(1, len(TAB_CLASSES) + 1):
            _xdotool(xserver, "key", "--clearmodifiers", f"ctrl+{index}")
            time.sleep(0.3)
            assert app.poll() is None
        _xdotool(xserver, "key", "--clearmodifiers", "ctrl+q")
        code = app.wait(timeout=30)
        stderr = app.stderr.read()
        assert code == 0, stderr
        assert "Traceback" not in stderr
    finally:
        if app.poll() is None:
            app.kill()


PRESENTER_CHECK = """
import sys
from PyQt6 import QtCore, QtWidgets
from mlphys_gui.app import create_application
app = create_application()
from mlphys_gui.main_window import MainWindow
from mlphys_gui.presets import presets_for
settings = QtCore.QSettings(sys.argv[1], QtCore.QSettings.Format.IniFormat)
window = MainWindow(settings=settings)
window.show()
window.load_preset(presets_for("langevin")[1])
window.set_presenter_view(True)
for _ in range(40):
    app.processEvents()
    QtCore.QThread.msleep(25)
presenter = window.presenter
screens = app.screens()
print(len(screens), screens.index(presenter.screen()), screens.index(window.screen()),
      presenter.isFullScreen(), presenter.width(), presenter.height())
"""


def test_presenter_view_fills_the_second_screen(two_screens, tmp_path):
    """The lecture set-up: controls on the laptop, plots full screen on the projector."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=two_screens, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", PRESENTER_CHECK, str(tmp_path / "settings.ini")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    screens, presenter_screen, main_screen, full, width, height = result.stdout.split()[-6:]
    assert screens == "2" and presenter_screen != main_screen
    assert full == "True" and (width, height) == ("1600", "900")
