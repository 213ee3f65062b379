"""The complexity tab's control column: the operations, the sizes and how they are timed, the
measurement's progress, what the plot shows, readouts and equations."""

from PyQt6 import QtWidgets

from core import complexity as cx
from mlphys_gui.tabs.complexity.state import OPERATION_KEYS, SHOW_KEYS
from mlphys_gui.tabs.complexity.texts import expected
from mlphys_gui.widgets.panels import ControlColumn, row_of

SHORT_NAMES = {
    "product": "AB",
    "solve": "solve",
    "svd": "SVD n×n",
    "svd_wide": "SVD n×4n",
    "det": "det",
    "python": "loop",
}
READOUTS = [
    ("status", "measured", "How far the measurement got, and how long it took"),
    (
        "skipped",
        "not measured",
        "Sizes the time budget left out, and what they would have cost (each operation's last "
        "time scaled as n³)",
    ),
    (
        "memory",
        "memory",
        "Working memory of the largest matrices (inputs, outputs, LAPACK's copies and "
        "workspace; an estimate); n stops where it would pass half the memory available",
    ),
    *[
        (
            key,
            f"{SHORT_NAMES[key]} ({expected(key)})",
            f"{cx.OPERATIONS[key].label}: the slope of log t against log n fitted over the upper "
            "half of the sizes ± its standard error, and the median time per call at the "
            "largest n measured",
        )
        for key in OPERATION_KEYS
    ],
    ("rate", "AB rate", "BLAS's product at its largest n: 2n³ / time, against the peak"),
    (
        "python_rate",
        "loop rate",
        "The triple loop at its largest n: 2n³ / time, and how many times slower than BLAS's "
        "product at the same n",
    ),
    (
        "peak",
        "peak (estimate)",
        "An estimate of the machine's peak: the best of three "
        f"{cx.PEAK_N}×{cx.PEAK_N} products on all cores, measured once per precision. Measured "
        "while other programs ran, it is low, and a product can beat it.",
    ),
    ("threads", "BLAS threads", "The BLAS threads the measurement used, and this machine's cores"),
]
EQUATIONS = [
    ("cx_power_law", "a cost c·nᵖ is a line of slope p on log–log axes (notes §1.3: large n)"),
    ("cx_classical", "the classical product: what BLAS and the triple loop compute"),
    ("cx_strassen", "Strassen (1969): the notes' O(n^2.8) for the product"),
    ("cx_svd", "the notes' cost of an SVD"),
]


class ComplexityControls(ControlColumn):
    """The widgets of the control column, made from the tab's declared state; the buttons are
    connected by the tab."""

    def __init__(self, controls, parent=None):
        super().__init__(parent)
        self.group("Operations (notes §1.3)", *(controls.check(key) for key in OPERATION_KEYS))
        threads = controls.spin("threads")
        threads.setSpecialValueText("all cores")
        self.group(
            "Sizes and timing",
            controls.slider("n_max"),
            controls.row("precision", controls.combo("dtype")),
            controls.row("BLAS threads", threads),
            controls.slider("repeats"),
            controls.slider("budget"),
            controls.seed_row(),
        )
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setFormat("%v / %m points")
        self.measure_button = QtWidgets.QPushButton("Measure again")
        self.measure_button.setToolTip(
            "Time everything again with these settings (the last measurement is kept until "
            "then; undo brings back earlier ones)"
        )
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the measurement and keep the points measured so far")
        self.group(
            "Measurement",
            self.progress_bar,
            row_of(self.measure_button, self.cancel_button),
        )
        self.add(controls.show_group(SHOW_KEYS, columns=1))
        self.finish(READOUTS, "Equations (notes §1.3)", EQUATIONS)
