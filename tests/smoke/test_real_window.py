"""Smoke test: the installed ``mlphys-gui`` command in a real X window (Xvfb, xcb platform).

Needs the Debian packages that tests/run.sh installs (xvfb, xdotool and Qt's xcb libraries).
Under CI a missing package is a failure, elsewhere a skip.
"""

import json
import os
import shutil
import signal
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


def _find_window(display: str) -> str:
    """The id of the visible mlphys-gui window, or ""."""
    found = _xdotool(display, "search", "--onlyvisible", "--name", "mlphys-gui", check=False)
    return found.stdout.split()[0] if found.stdout.split() else ""


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
        _wait_for(lambda: _find_window(xserver), 60, "mlphys-gui window", app)
        window = _find_window(xserver)
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


def _isolated_env(display: str, home: Path) -> dict:
    """The app's environment with its own home: settings, app data and runtime folders."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_RUNTIME_DIR=str(home),
    )
    return env


def _wait_for(condition, seconds: float, what: str, app=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app is not None and app.poll() is not None:
            pytest.fail(f"the app exited early while waiting for {what}: {app.communicate()[1]}")
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"no {what} within {seconds:g} s")


def _session_tab(path: Path, tab: str):
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None, None
    return document.get("current"), document.get("tabs", {}).get(tab)


def test_a_killed_app_reopens_as_it_was(xserver, tmp_path):
    """Start with a scene, SIGKILL the app once the scene is autosaved, start it bare: it
    shows that scene (checked through the session it saves on a normal quit, SIGTERM)."""
    env = _isolated_env(xserver, tmp_path)
    command = _installed_command()
    located = subprocess.run(
        [command, "--session-file"], env=env, capture_output=True, text=True, timeout=60
    )
    assert located.returncode == 0, located.stderr
    session = Path(located.stdout.strip())
    assert session.is_relative_to(tmp_path / "data")
    state = {
        **TAB_CLASSES["langevin"].SCHEMA.defaults(),
        "dimension": "2d",
        "potential": "expression",
        "expression": "x**4/4 - x**2/2 + y**2/2",
        "n": 2000,
        "sigma": 0.6,
    }
    scene = tmp_path / "lecture.json"
    scene.write_text(
        json.dumps({"app": "mlphys-gui", "schema": 1, "tab": "langevin", "state": state})
    )

    first = subprocess.Popen(
        [command, "--scene", str(scene)], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: _session_tab(session, "langevin")[1] == state, 60, "autosave", first)
    finally:
        first.kill()  # SIGKILL: no chance to save anything more
        first.wait(timeout=30)

    second = subprocess.Popen([command], env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _find_window(xserver), 60, "window", second)
        time.sleep(1.0)  # let it settle, then quit normally: it saves what it shows
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, second.stderr.read()
    finally:
        if second.poll() is None:
            second.kill()
    assert "Traceback" not in second.stderr.read()
    assert _session_tab(session, "langevin") == ("langevin", state)

    fresh = subprocess.Popen([command, "--fresh"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _find_window(xserver), 60, "window", fresh)
        fresh.send_signal(signal.SIGTERM)
        assert fresh.wait(timeout=30) == 0
    finally:
        if fresh.poll() is None:
            fresh.kill()
    assert _session_tab(session, "langevin")[1] == TAB_CLASSES["langevin"].SCHEMA.defaults()


def test_a_corrupt_session_file_is_set_aside_and_the_app_starts(xserver, tmp_path):
    env = _isolated_env(xserver, tmp_path)
    command = _installed_command()
    session = Path(
        subprocess.run(
            [command, "--session-file"], env=env, capture_output=True, text=True, timeout=60
        ).stdout.strip()
    )
    session.parent.mkdir(parents=True)
    session.write_bytes(b'{"app": "mlphys-gui", "kind": "session", "tabs": [')
    app = subprocess.Popen([command], env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _find_window(xserver), 60, "window", app)
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
    assert "Traceback" not in app.stderr.read()
    assert list(session.parent.glob("session.unusable-*.json"))
    assert json.loads(session.read_text())["kind"] == "session"
