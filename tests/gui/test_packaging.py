"""The installed app holds every package of the checkout: pyproject.toml lists packages by
hand, and the tab packages (mlphys_gui/tabs/<topic>/) were missing from it, so a wheel (what
`pip install .` and tests/run.sh install) held no tab at all."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_python_package_of_the_checkout_is_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("core", "mlphys_gui")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found <= listed, f"not installed: {sorted(found - listed)}"
