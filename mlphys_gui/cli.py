"""The ``mlphys-gui`` command: open the app, or export a figure, a recording or a handout
without a display.

    mlphys-gui [--tab NAME] [--scene FILE] [--deck FILE] [--data FILE | --image FILE] [--fresh]
               [--session-file]
    mlphys-gui export (--tab NAME | SCENE.json) [--data FILE | --image FILE]
                      -o FILE.{png,svg,pdf,csv} [--width PX] [--theme T]
    mlphys-gui record (--tab NAME | SCENE.json) -o FILE.{mp4,gif} [--seconds S] [--fps N]
    mlphys-gui handout DECK -o FILE.pdf

Bad arguments print one line and exit non-zero; they never show a traceback.
"""

import argparse
import ctypes
import os
import signal
import sys
from pathlib import Path

from mlphys_gui import APP_NAME, __version__

TAB_NAMES = (  # as in the help
    "svd",
    "posterior",
    "double-descent",
    "langevin",
    "transport",
    "complexity",
)
EXPORT_WINDOW_SIZE = (1400, 860)

# Libraries Qt's xcb platform plugin loads, and the Debian packages that provide them.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


class UsageError(Exception):
    """A bad command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(message)


def _user_file_arguments(parser: argparse.ArgumentParser) -> None:
    """--data and --image: the user's own file, opened in the tab (by default the first that
    takes it: the posterior for data, the SVD low-rank view for an image)."""
    parser.add_argument(
        "--data",
        type=Path,
        help="a CSV/TSV file: lab data x, y[, σ] (posterior) or a point cloud x[, y] (transport)",
    )
    parser.add_argument(
        "--image", type=Path, help="a PNG or JPEG: the low-rank view (svd) or a target (transport)"
    )


def _gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=APP_NAME, description="Machine Learning for Physicists, interactive.")
    parser.add_argument("--tab", help=f"open on this tab ({', '.join(TAB_NAMES)})")
    parser.add_argument("--scene", type=Path, help="open this scene file (it becomes the session)")
    _user_file_arguments(parser)
    parser.add_argument(
        "--deck", type=Path, help="open this deck (or a handout PDF) at its first step"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start from the defaults instead of the autosaved session",
    )
    parser.add_argument(
        "--session-file",
        action="store_true",
        help="print where the autosaved session is kept, and exit",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def _export_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=f"{APP_NAME} export", description="Write a figure without a display.")
    parser.add_argument(
        "scene",
        nargs="?",
        type=Path,
        help="a scene (.json) or a figure the app exported (.png, .svg, .pdf)",
    )
    parser.add_argument("--tab", help="export this tab's default scene instead")
    _user_file_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, required=True, help="FILE.png|svg|pdf|csv")
    parser.add_argument("--width", type=int, help="PNG width in pixels (default 1600)")
    parser.add_argument("--theme", default="light", help="light or projector")
    return parser


def _record_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{APP_NAME} record", description="Record an animation without a display."
    )
    parser.add_argument("scene", nargs="?", type=Path, help="a scene, or a figure the app exported")
    parser.add_argument("--tab", help="record this tab's default scene instead")
    _user_file_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, required=True, help="FILE.mp4 or FILE.gif")
    parser.add_argument("--seconds", type=float, default=10.0, help="length (default 10)")
    parser.add_argument("--fps", type=int, default=30, help="frames per second (default 30)")
    parser.add_argument("--width", type=int, default=960, help="frame width in pixels")
    parser.add_argument("--theme", default="light", help="light or projector")
    return parser


def _handout_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{APP_NAME} handout",
        description="Write a deck's handout without a display: one PDF page per step (its "
        "title, figure, equations and note), carrying the deck.",
    )
    parser.add_argument("deck", type=Path, help="a deck (.json), or a handout PDF the app wrote")
    parser.add_argument("-o", "--output", type=Path, required=True, help="FILE.pdf")
    return parser


def _check_tab(name: str | None, available) -> None:
    if name is not None and name not in available:
        raise UsageError(f"unknown tab '{name}' (choose from: {', '.join(available)})")


def _user_file(args: argparse.Namespace) -> tuple[str, Path] | None:
    """("data" or "image", path) of --data / --image, or None."""
    if args.data is not None and args.image is not None:
        raise UsageError("give --data or --image, not both")
    if args.data is not None:
        return "data", args.data
    return None if args.image is None else ("image", args.image)


def _tab_for_user_file(args: argparse.Namespace, tab_classes) -> str | None:
    """The tab that opens --data / --image: --tab (which must take it), else the first that
    does; None without either."""
    wanted = _user_file(args)
    if wanted is None:
        return args.tab
    kind, _path = wanted
    takers = [name for name, cls in tab_classes.items() if kind in cls.accepts]
    if args.tab is not None and args.tab not in takers:
        raise UsageError(
            f"the {args.tab} tab does not take --{kind} (these do: {', '.join(takers)})"
        )
    return args.tab or takers[0]


def _import_user_file(args: argparse.Namespace, tab) -> str:
    """Open --data / --image in ``tab`` and say what was done ("" without either); a refusal
    is a one-line usage error."""
    from mlphys_gui.user_files import UserFileError

    wanted = _user_file(args)
    if wanted is None:
        return ""
    try:
        return tab.import_file(*wanted)
    except UserFileError as error:
        raise UsageError(str(error)) from None


def missing_xcb_packages() -> list[str]:
    """Debian packages whose libraries Qt's xcb plugin needs but that cannot be loaded."""
    missing = []
    for library, package in XCB_LIBRARIES.items():
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(package)
    return missing


def _check_display() -> None:
    """Explain a missing display or xcb dependency instead of Qt's bare abort."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or (platform and not platform.startswith("xcb")):
        return
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return
    if not os.environ.get("DISPLAY"):
        raise UsageError(
            "no display found (DISPLAY is not set); run it on a desktop, under xvfb-run, "
            "or use 'mlphys-gui export' for figures without a display"
        )
    missing = missing_xcb_packages()
    if missing:
        raise UsageError(
            "Qt's xcb platform needs libraries that are not installed; on Debian/Ubuntu run: "
            f"sudo apt-get install {' '.join(missing)}"
        )


def _close_on_signals(window) -> None:
    """SIGTERM and SIGINT close the window as Quit does (the session and preferences are
    saved). Qt's event loop runs no Python, so a timer gives Python a moment to see them."""
    from PyQt6 import QtCore

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda _number, _frame: window.close())
    timer = QtCore.QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(200)


def run_gui(args: argparse.Namespace) -> int:
    from mlphys_gui.session import SessionStore, default_session_path

    if args.session_file:
        print(default_session_path())
        return 0
    from mlphys_gui.app import create_application
    from mlphys_gui.errors import ErrorReporter
    from mlphys_gui.tabs import TAB_CLASSES

    _check_tab(args.tab, TAB_CLASSES)
    args.tab = _tab_for_user_file(args, TAB_CLASSES)
    _check_display()
    app = create_application()
    from mlphys_gui.main_window import MainWindow

    window = MainWindow(initial_tab=args.tab, session=SessionStore(default_session_path()))
    ErrorReporter(window)
    if not args.fresh:
        window.restore_session()
        if args.tab is not None:
            window.select_tab(args.tab)
    if args.scene is not None:
        if window.open_scene(args.scene):
            window.save_session()  # the scene is the session from now on
        else:
            print(f"{APP_NAME}: {window.statusBar().currentMessage()}", file=sys.stderr)
    if args.tab is not None:
        done = _import_user_file(args, window.tabs[args.tab])
        window.select_tab(args.tab)
        if done:
            window.show_message(done)
    if args.deck is not None and not window.lecture.open_deck(args.deck):
        print(f"{APP_NAME}: {window.statusBar().currentMessage()}", file=sys.stderr)
    _close_on_signals(window)
    window.show()
    return app.exec()


def _only_fatal_qt_messages(kind, _context, text) -> None:
    """Headless export: Qt's offscreen-platform warnings mean nothing to the user."""
    from PyQt6 import QtCore

    if kind in (QtCore.QtMsgType.QtCriticalMsg, QtCore.QtMsgType.QtFatalMsg):
        print(f"{APP_NAME}: Qt: {text}", file=sys.stderr)


def _offscreen_application():
    """The QApplication of a command that draws without a display (offscreen platform)."""
    from PyQt6 import QtCore

    from mlphys_gui.app import create_application

    app = create_application()
    QtCore.qInstallMessageHandler(_only_fatal_qt_messages)
    return app


def _headless_tab(args: argparse.Namespace):
    """The tab of ``--tab`` or of the scene file, shown offscreen at the export size."""
    from mlphys_gui.handout import offscreen_tab
    from mlphys_gui.scene import SceneError, read_scene_file
    from mlphys_gui.style import THEMES, Style
    from mlphys_gui.tabs import SCHEMAS

    app = _offscreen_application()
    if args.scene is not None:
        try:
            name, state = read_scene_file(args.scene, SCHEMAS)
        except SceneError as error:
            raise UsageError(str(error)) from None
    else:
        name, state = args.tab, None
    tab = offscreen_tab(name, Style(theme=THEMES[args.theme]), EXPORT_WINDOW_SIZE)
    if state is not None:
        tab.restore(state, label=None)
    _import_user_file(args, tab)
    app.processEvents()
    tab.settle()
    app.processEvents()
    return name, tab


def _check_source(args: argparse.Namespace) -> None:
    from mlphys_gui.style import THEMES
    from mlphys_gui.tabs import TAB_CLASSES

    _check_tab(args.tab, TAB_CLASSES)
    if args.scene is None:
        args.tab = _tab_for_user_file(args, TAB_CLASSES)
    if (args.scene is None) == (args.tab is None):
        raise UsageError("give either a scene file or --tab NAME")
    if args.theme not in THEMES:
        raise UsageError(f"unknown theme '{args.theme}' (choose from: {', '.join(THEMES)})")


def run_record(args: argparse.Namespace) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from mlphys_gui import recording
    from mlphys_gui.export import ExportError

    _check_source(args)
    try:
        recording.video_format(args.output)
    except ExportError as error:
        raise UsageError(str(error)) from None
    if not args.output.parent.is_dir():
        raise UsageError(f"folder {args.output.parent} does not exist")
    _name, tab = _headless_tab(args)
    try:
        frames = recording.record(tab, args.output, args.seconds, args.fps, args.width)
    except ExportError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {args.output} ({frames} frames)")
    return 0


def run_export(args: argparse.Namespace) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from mlphys_gui.export import PNG_WIDTH_RANGE, ExportError, export_format, export_to_file
    from mlphys_gui.scene import figure_payload

    _check_source(args)
    try:
        fmt = export_format(args.output)
    except ExportError as error:
        raise UsageError(str(error)) from None
    if args.width is not None and fmt != "png":
        raise UsageError("--width applies to PNG only")
    if args.width is not None and not PNG_WIDTH_RANGE[0] <= args.width <= PNG_WIDTH_RANGE[1]:
        raise UsageError(
            f"--width must be between {PNG_WIDTH_RANGE[0]} and {PNG_WIDTH_RANGE[1]} pixels"
        )
    if not args.output.parent.is_dir():
        raise UsageError(f"folder {args.output.parent} does not exist")
    name, tab = _headless_tab(args)
    try:
        export_to_file(
            args.output,
            tab.figure_view(),
            tab.plotted_data(),
            args.width,
            scene=figure_payload(name, tab.state()),
        )
    except ExportError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {args.output}")
    return 0


def run_handout(args: argparse.Namespace) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from mlphys_gui.deck import DeckError, read_deck_file
    from mlphys_gui.tabs import PLAYABLE, SCHEMAS

    if args.output.suffix.lower() != ".pdf":
        raise UsageError(f"a handout is a PDF: {args.output.name} should end in .pdf")
    if not args.output.parent.is_dir():
        raise UsageError(f"folder {args.output.parent} does not exist")
    try:
        deck = read_deck_file(args.deck, SCHEMAS, PLAYABLE)
    except DeckError as error:
        raise UsageError(str(error)) from None
    from mlphys_gui.handout import HandoutError, write_handout

    app = _offscreen_application()  # noqa: F841  (kept alive while the handout is drawn)
    try:
        pages = write_handout(args.output, deck)
    except HandoutError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {args.output} ({pages} pages)")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["export"]:
            return run_export(_export_parser().parse_args(argv[1:]))
        if argv[:1] == ["record"]:
            return run_record(_record_parser().parse_args(argv[1:]))
        if argv[:1] == ["handout"]:
            return run_handout(_handout_parser().parse_args(argv[1:]))
        return run_gui(_gui_parser().parse_args(argv))
    except UsageError as error:
        print(f"{APP_NAME}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
