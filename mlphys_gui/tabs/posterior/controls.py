"""The posterior tab's control column: model, what to show, the data and their generator,
readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.widgets.panels import ControlColumn, row_of
from mlphys_gui.widgets.playback import PlaybackBar

READOUTS = [
    ("n", "N points", "number of data points"),
    ("m", "M weights", "number of features φⱼ"),
    ("evidence", "log p(y)", "log evidence at the current σ, λ"),
    ("best_lambda", "best λ", "λ on the grid with the largest evidence"),
    ("mle", "MLE", "maximum likelihood (eq. 4.14): defined only with enough points"),
    ("noise", "σᵢ from", "where each point's noise σᵢ comes from: the σ slider or the data"),
]
EQUATIONS = [
    ("reg_eq_4_14", "eq. 4.14: maximum likelihood = weighted least squares"),
    ("reg_eq_3_13", "eq. 3.13, corrected: −log posterior = ridge loss; MAP = ridge with λσ²"),
    ("reg_posterior", "eq. 4.16 with the prior of eq. 3.12: conjugate Gaussian posterior"),
    ("reg_predictive", "posterior predictive: the bands include the noise σ²"),
    ("reg_evidence", "the evidence p(y), the denominator of eq. 3.9"),
]


class PosteriorControls(ControlColumn):
    """The widgets of the control column, made from the tab's declared state, and the data
    buttons (which the tab connects)."""

    def __init__(self, controls, animator, reset, parent=None):
        super().__init__(parent)
        self.group(
            "Model",
            controls.combo("basis"),
            *(
                controls.slider(key)
                for key in ("degree", "bumps", "bump_width", "sigma", "prior_precision")
            ),
        )
        show = self.add(controls.show_group(("show_truth", "show_bands", "show_mle", "show_map")))
        weights = row_of(
            "weight space: β", controls.spin("weight_i"), "against β", controls.spin("weight_j")
        )
        show.layout().addWidget(controls.slider("samples"), 2, 0, 1, 2)
        show.layout().addWidget(weights, 3, 0, 1, 2)
        self.next_button = QtWidgets.QPushButton("Next point")
        self.add10_button = QtWidgets.QPushButton("Add 10")
        self.clear_button = QtWidgets.QPushButton("Clear")
        self.import_button = QtWidgets.QPushButton("Import data…")
        self.import_button.setToolTip(
            "Your measurements from a CSV or TSV file: columns x, y and optionally σ (each "
            "point's error); a header row, semicolons and decimal commas are fine. Also: drag "
            "a file onto the window, or copy cells in a spreadsheet and press Ctrl+V"
        )
        hint = QtWidgets.QLabel(
            "Click the data plot to add a point; right-click removes the nearest; Backspace "
            "removes the newest. Your own data: Import data…, drop a CSV file here, or paste "
            "cells from a spreadsheet (Ctrl+V)."
        )
        hint.setWordWrap(True)
        self.group(
            "Data",
            controls.row("truth", controls.combo("truth")),
            controls.check("heteroscedastic"),
            row_of("x from", controls.entry("x_low"), "to", controls.entry("x_high")),
            controls.seed_row(),
            row_of(self.next_button, self.add10_button, self.clear_button),
            self.import_button,
            controls.speed("rate", animator),
            PlaybackBar(animator, reset, "Add the next point"),
            hint,
        )
        self.finish(READOUTS, "Equations (notes §3–4)", EQUATIONS)
