"""``python -m mlphys_gui``: the same as the ``mlphys-gui`` command."""

from mlphys_gui.cli import main

raise SystemExit(main())
