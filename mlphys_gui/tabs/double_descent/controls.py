"""The double-descent tab's control column: the problem, the sweep's progress, the function
view, readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.widgets.panels import ControlColumn

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


class DoubleDescentControls(ControlColumn):
    """The widgets of the control column, made from the tab's declared state."""

    def __init__(self, controls, parent=None):
        super().__init__(parent)
        self.group(
            "Problem",
            controls.combo("family"),
            *(controls.slider(key) for key in ("n", "sigma", "ridge")),
            controls.check("ridgeless"),
            controls.slider("trials"),
            controls.slider("ratio"),
            controls.seed_row(),
        )
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setFormat("%v / %m trials")
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running sweep and keep the trials done so far")
        sweep = self.group("Sweep")
        sweep.layout().setDirection(QtWidgets.QBoxLayout.Direction.LeftToRight)
        sweep.layout().addWidget(self.progress_bar, 1)
        sweep.layout().addWidget(self.cancel_button)
        self.p_slider = controls.slider("p_view")
        self.group("Function view (Fourier features, 1-D)", self.p_slider)
        self.finish(READOUTS, "Equations (notes §5)", EQUATIONS)
