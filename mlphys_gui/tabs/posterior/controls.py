"""The posterior tab's control column: model, what to show, the data and their generator,
readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel
from mlphys_gui.widgets.playback import PlaybackBar

READOUTS = [
    ("n", "N points", "number of data points"),
    ("m", "M weights", "number of features φⱼ"),
    ("evidence", "log p(y)", "log evidence at the current σ, λ"),
    ("best_lambda", "best λ", "λ on the grid with the largest evidence"),
    ("mle", "MLE", "maximum likelihood (eq. 4.14): defined only with enough points"),
]
EQUATIONS = [
    ("reg_eq_4_14", "eq. 4.14: maximum likelihood = weighted least squares"),
    ("reg_eq_3_13", "eq. 3.13, corrected: −log posterior = ridge loss; MAP = ridge with λσ²"),
    ("reg_posterior", "eq. 4.16 with the prior of eq. 3.12: conjugate Gaussian posterior"),
    ("reg_predictive", "posterior predictive: the bands include the noise σ²"),
    ("reg_evidence", "the evidence p(y), the denominator of eq. 3.9"),
]


class PosteriorControls(QtWidgets.QWidget):
    """The widgets of the control column, made from the tab's declared state, and the data
    buttons (which the tab connects)."""

    def __init__(self, controls, animator, reset, parent=None):
        super().__init__(parent)
        column = QtWidgets.QVBoxLayout(self)

        model = QtWidgets.QGroupBox("Model")
        form = QtWidgets.QVBoxLayout(model)
        form.addWidget(controls.combo("basis"))
        for key in ("degree", "bumps", "bump_width", "sigma", "prior_precision"):
            form.addWidget(controls.slider(key))
        column.addWidget(model)

        show = controls.show_group(("show_truth", "show_bands", "show_mle", "show_map"))
        grid = show.layout()
        grid.addWidget(controls.slider("samples"), 2, 0, 1, 2)
        weights = QtWidgets.QHBoxLayout()
        weights.addWidget(QtWidgets.QLabel("weight space: β"))
        weights.addWidget(controls.spin("weight_i"))
        weights.addWidget(QtWidgets.QLabel("against β"))
        weights.addWidget(controls.spin("weight_j"))
        grid.addLayout(weights, 3, 0, 1, 2)
        column.addWidget(show)

        data = QtWidgets.QGroupBox("Data")
        box = QtWidgets.QGridLayout(data)
        box.addWidget(controls.row("truth", controls.combo("truth")), 0, 0, 1, 4)
        box.addWidget(controls.check("heteroscedastic"), 1, 0, 1, 4)
        box.addWidget(QtWidgets.QLabel("x from"), 2, 0)
        box.addWidget(controls.entry("x_low"), 2, 1)
        box.addWidget(QtWidgets.QLabel("to"), 2, 2)
        box.addWidget(controls.entry("x_high"), 2, 3)
        box.addWidget(controls.seed_row(), 3, 0, 1, 2)
        self.next_button = QtWidgets.QPushButton("Next point")
        self.add10_button = QtWidgets.QPushButton("Add 10")
        self.clear_button = QtWidgets.QPushButton("Clear")
        box.addWidget(self.next_button, 4, 0, 1, 2)
        box.addWidget(self.add10_button, 4, 2)
        box.addWidget(self.clear_button, 4, 3)
        box.addWidget(controls.speed("rate", animator), 5, 0, 1, 4)
        box.addWidget(PlaybackBar(animator, reset, "Add the next point"), 6, 0, 1, 4)
        hint = QtWidgets.QLabel(
            "Click the data plot to add a point; right-click removes the nearest; Backspace "
            "removes the newest."
        )
        hint.setWordWrap(True)
        box.addWidget(hint, 7, 0, 1, 4)
        column.addWidget(data)

        readouts = ReadoutPanel("Readouts", READOUTS)
        self.readouts = readouts.table
        column.addWidget(readouts)
        self.equations = EquationPanel("Equations (notes §3–4)", EQUATIONS)
        column.addWidget(self.equations)
        column.addStretch(1)
