"""core must stay headless: importing it must not load Qt, pyqtgraph or the GUI package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PyQt6", "PyQt5", "PySide6", "pyqtgraph", "mlphys_gui")

# Runs in a fresh interpreter: import core and every core/*.py module, report what got loaded.
PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
forbidden = tuple(json.loads(sys.argv[2]))
loaded = sorted(m for m in sys.modules if m.startswith(forbidden))
print(json.dumps({"core_file": sys.modules["core"].__file__, "loaded": loaded}))
"""


def core_modules() -> list[str]:
    names = ["core"]
    names += sorted(f"core.{p.stem}" for p in (ROOT / "core").glob("*.py") if p.stem != "__init__")
    return names


def test_core_modules_found() -> None:
    assert "core.svd" in core_modules()


def test_importing_core_loads_no_qt() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(core_modules()), json.dumps(FORBIDDEN)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(report["core_file"]).resolve().parent == ROOT / "core"
    assert report["loaded"] == [], f"core imported GUI modules: {report['loaded']}"
