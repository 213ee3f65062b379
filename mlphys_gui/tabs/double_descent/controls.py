"""The double-descent tab's control column: the problem, the sweep's progress, the function
view, readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel

READOUTS = [
    ("peak", "peak test error", "largest mean test error, near the interpolation threshold"),
    ("best", "best p", "width with the smallest mean test error"),
    ("trials", "trials", "trials averaged so far"),
    ("fit", "fit at p", "training and test error of the function view"),
]
EQUATIONS = [
    ("dd_min_norm", "ridgeless: the minimum-norm least-squares solution"),
    ("dd_ridge", "ridge regression; λ → 0⁺ gives the minimum-norm solution"),
    ("dd_risk_under", "Hastie, Montanari, Rosset & Tibshirani (2019), Thm 1, γ = p/n"),
    ("dd_risk_over", "past the threshold the excess risk descends again"),
]


class DoubleDescentControls(QtWidgets.QWidget):
    """The widgets of the control column, made from the tab's declared state."""

    def __init__(self, controls, parent=None):
        super().__init__(parent)
        column = QtWidgets.QVBoxLayout(self)
        problem = QtWidgets.QGroupBox("Problem")
        box = QtWidgets.QVBoxLayout(problem)
        box.addWidget(controls.combo("family"))
        for key in ("n", "sigma", "ridge"):
            box.addWidget(controls.slider(key))
        box.addWidget(controls.check("ridgeless"))
        box.addWidget(controls.slider("trials"))
        box.addWidget(controls.slider("ratio"))
        box.addWidget(controls.seed_row())
        column.addWidget(problem)

        run = QtWidgets.QGroupBox("Sweep")
        run_box = QtWidgets.QHBoxLayout(run)
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setFormat("%v / %m trials")
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running sweep and keep the trials done so far")
        run_box.addWidget(self.progress_bar, 1)
        run_box.addWidget(self.cancel_button)
        column.addWidget(run)

        function = QtWidgets.QGroupBox("Function view (Fourier features, 1-D)")
        self.p_slider = controls.slider("p_view")
        QtWidgets.QVBoxLayout(function).addWidget(self.p_slider)
        column.addWidget(function)

        readouts = ReadoutPanel("Readouts", READOUTS)
        self.readouts = readouts.table
        column.addWidget(readouts)
        self.equations = EquationPanel("Equations (notes §5)", EQUATIONS)
        column.addWidget(self.equations)
        column.addStretch(1)
