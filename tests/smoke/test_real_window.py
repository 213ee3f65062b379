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
import tempfile
import time
from pathlib import Path

import pytest

from mlphys_gui.tabs import TAB_CLASSES

pytestmark = pytest.mark.smoke
TOOLS = ("Xvfb", "xdotool", "import")  # import: imagemagick, reads the screens back


def _need_tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"missing {', '.join(missing)}: run tests/run.sh, which installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _start_xvfb(*screens: str):
    """An Xvfb with these screens, once a client can connect to it: the display number it
    writes (-displayfd) alone did not guarantee that in CI, where the app once could not
    connect to the new display; its log is kept to say why if it dies."""
    _need_tools()
    read, write = os.pipe()
    layout = [arg for index, size in enumerate(screens) for arg in ("-screen", str(index), size)]
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), *layout, "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=log,
        stderr=log,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = f":{pipe.readline().strip()}"
    deadline = time.monotonic() + 30
    while _xdotool(display, "getdisplaygeometry", check=False).returncode != 0:
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.seek(0)
            pytest.fail(f"Xvfb on {display} accepts no client (exit {server.poll()}): {log.read()}")
        time.sleep(0.1)
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


DECK_PRESENTER_CHECK = """
import json
import sys
from PyQt6 import QtCore, QtTest, QtWidgets
from mlphys_gui.app import create_application
app = create_application()
from mlphys_gui.lecture import shipped_decks
from mlphys_gui.main_window import MainWindow
settings = QtCore.QSettings(sys.argv[1], QtCore.QSettings.Format.IniFormat)
window = MainWindow(settings=settings)
window.show()
window.activateWindow()
assert QtTest.QTest.qWaitForWindowActive(window)
assert window.lecture.open_deck(dict((p.stem, p) for _t, p in shipped_decks())["01-svd"])
deck = window.lecture.player.deck

def key(name, target=window):
    QtTest.QTest.keyClick(target, getattr(QtCore.Qt.Key, name))
    for _ in range(10):
        app.processEvents()
        QtCore.QThread.msleep(20)

def dark(widget):
    image = widget.grab().toImage()
    return max(image.pixelColor(x, y).lightness() for x in range(0, image.width(), 37)
               for y in range(0, image.height(), 41)) == 0

key("Key_F5")
presenter, console = window.presenter, window.lecture.console
screens = app.screens()
report = {
    "screens": len(screens),
    "presenter_screen": screens.index(presenter.screen()),
    "window_screen": screens.index(window.screen()),
    "full_screen": presenter.isFullScreen(),
    "presenter_controls": len(presenter.findChildren(QtWidgets.QSlider)),
    "console_shown": console.isVisible(),
    "console_on": screens.index(console.screen()),
    "title": console.title.text(),
    "note": console.note.text() == deck.steps[0].note,
    "next": console.next_title.text(),
}
QtTest.QTest.qWait(2300)
report["timer"] = console.timer_label.text()
key("Key_PageDown")
report["after_page_down"] = [window.lecture.player.index, console.title.text()]
key("Key_B")
report["blank"] = [presenter.blank, dark(presenter)]
key("Key_B", presenter)
report["back"] = [presenter.blank, dark(presenter)]
key("Key_Escape")
report["left"] = [window.lecture.presenting, presenter.isVisible(), console.isVisible()]
print(json.dumps(report))
"""


def test_a_deck_is_presented_on_the_projector_with_notes_and_timer_on_the_laptop(
    two_screens, tmp_path
):
    """F5 puts the plots full screen on the second screen and, above the controls on the
    first, the step's title and note, the next step's title and a running timer; PageDown
    moves on, B blanks the projector and B again brings it back, Esc ends it."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=two_screens, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", DECK_PRESENTER_CHECK, str(tmp_path / "settings.ini")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["screens"] == 2 and report["full_screen"]
    assert report["presenter_screen"] != report["window_screen"] == report["console_on"]
    assert report["presenter_controls"] == 0 and report["console_shown"]
    assert report["title"] == "A matrix turns the unit circle into an ellipse" and report["note"]
    assert report["next"] == "Next: A shear, stage by stage"
    assert report["timer"] in ("0:02", "0:03")
    assert report["after_page_down"] == [1, "A shear, stage by stage"]
    assert report["blank"] == [True, True] and report["back"] == [False, False]
    assert report["left"] == [False, False, False]


def _screen_is_black(display: str, screen: int, tmp_path: Path) -> bool:
    """Whether X screen ``screen`` shows nothing but black (imagemagick's import)."""
    shot = tmp_path / f"screen{screen}.png"
    subprocess.run(
        ["import", "-display", f"{display}.{screen}", "-window", "root", str(shot)],
        check=True,
        timeout=60,
    )
    stats = subprocess.run(
        ["convert", str(shot), "-format", "%[fx:maxima]", "info:"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return float(stats.stdout) == 0.0


def test_the_installed_app_follows_a_clicker_on_two_screens(two_screens, tmp_path):
    """mlphys-gui --deck, then the keys a clicker sends, pressed in the X server: F5 fills the
    projector, PageDown moves on (the autosaved session records the step), B blanks the
    projector and B again brings the plots back."""
    from mlphys_gui.lecture import shipped_decks

    deck = dict((path.stem, path) for _title, path in shipped_decks())["03-double-descent"]
    env = _isolated_env(two_screens, tmp_path)
    command = _installed_command()
    session = Path(
        subprocess.run(
            [command, "--session-file"], env=env, capture_output=True, text=True, timeout=60
        ).stdout.strip()
    )
    app = subprocess.Popen(
        [command, "--fresh", "--deck", str(deck)], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: _find_window(two_screens), 60, "mlphys-gui window", app)
        _xdotool(two_screens, "windowfocus", "--sync", _find_window(two_screens))
        _xdotool(two_screens, "key", "F5")
        time.sleep(3.0)  # the first step's sweep and the presenter window
        assert not _screen_is_black(two_screens, 1, tmp_path)
        for _ in range(2):
            _xdotool(two_screens, "key", "Next")
            time.sleep(1.0)
        _xdotool(two_screens, "key", "b")
        time.sleep(1.0)
        assert _screen_is_black(two_screens, 1, tmp_path)
        _xdotool(two_screens, "key", "b")
        time.sleep(1.0)
        assert not _screen_is_black(two_screens, 1, tmp_path)
        _xdotool(two_screens, "key", "ctrl+q")
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
    assert "Traceback" not in app.stderr.read()
    saved = json.loads(session.read_text())["deck"]
    assert saved["index"] == 2 and saved["path"] == str(deck)
