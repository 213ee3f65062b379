"""The transport tab's control column: run, sampling, the target mixture, what to show,
readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.tabs.transport.state import MAX_COMPONENTS, MEAN_LIMIT
from mlphys_gui.widgets.components import ComponentEditor
from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel
from mlphys_gui.widgets.playback import PlaybackBar

READOUTS = [
    ("tau", "τ", "generation time; s = 1 − τ is the diffusion time"),
    ("alpha_sigma", "α(s), σ(s)", "signal and noise scale of the diffusion at s = 1 − τ"),
    (
        "distance_reverse_sde",
        "‖hist − p_τ‖ SDE",
        "total-variation distance ½∫|histogram − p_τ| (reverse SDE)",
    ),
    ("distance_probability_flow", "‖hist − p_τ‖ PF", "the same for the probability-flow ODE"),
    ("distance_flow_matching", "‖hist − p_τ‖ FM", "the same for the flow-matching ODE"),
    (
        "base_mismatch",
        "base mismatch",
        "α(1)²: how far p at s = 1 is from the N(0, I) we start from",
    ),
    ("sampling", "sampling", "time the samplers took, in particle-steps per second"),
]
EQUATIONS = [
    ("tr_forward", "the noising (VP) SDE: eq. 9.2 with μ = −βx/2, σ = √β"),
    ("tr_marginal", "its exact marginal for a mixture target"),
    ("tr_reverse", "the reverse-time SDE (Anderson 1982; Song et al. 2021, eq. 6)"),
    ("tr_flow", "the probability-flow ODE: eq. 9.6 with the same p_τ (eq. 9.8)"),
    ("tr_interpolant", "the linear interpolant and its flow-matching velocity"),
    ("tr_continuity", "both ODEs transport p_τ (eq. 9.8)"),
]


class TransportControls(QtWidgets.QWidget):
    """The widgets of the control column, made from the tab's declared state; the component
    editor and the default-target button are connected by the tab."""

    def __init__(self, controls, animator, reset, step_text: str, parent=None):
        super().__init__(parent)
        column = QtWidgets.QVBoxLayout(self)

        run = QtWidgets.QGroupBox("Run")
        box = QtWidgets.QVBoxLayout(run)
        self.playback = PlaybackBar(animator, reset, step_text)
        box.addWidget(self.playback)
        box.addWidget(controls.slider("tau"))
        box.addWidget(controls.speed("duration", animator, lambda seconds: 1.0 / seconds))
        box.addWidget(controls.combo("dimension"))
        box.addWidget(controls.combo("process"))
        column.addWidget(run)

        sampling = QtWidgets.QGroupBox("Sampling (eqs. 9.2, 9.6)")
        box = QtWidgets.QVBoxLayout(sampling)
        box.addWidget(controls.slider("steps"))
        box.addWidget(controls.slider("n"))
        box.addWidget(controls.seed_row())
        box.addWidget(controls.combo("schedule"))
        box.addWidget(controls.slider("beta_min"))
        box.addWidget(controls.slider("beta_max"))
        column.addWidget(sampling)

        target = QtWidgets.QGroupBox("Target: a Gaussian mixture")
        box = QtWidgets.QVBoxLayout(target)
        self.components = ComponentEditor(MEAN_LIMIT, MAX_COMPONENTS)
        box.addWidget(self.components)
        hint = QtWidgets.QLabel("Drag the ◯ markers to move a component.")
        hint.setWordWrap(True)
        box.addWidget(hint)
        self.default_target_button = QtWidgets.QPushButton("Default target")
        box.addWidget(self.default_target_button)
        column.addWidget(target)

        column.addWidget(
            controls.show_group(("show_exact", "show_particles", "show_field", "show_paths"))
        )
        readouts = ReadoutPanel("Readouts", READOUTS)
        self.readouts = readouts.table
        column.addWidget(readouts)
        self.equations = EquationPanel("Equations (notes §9.2–9.5)", EQUATIONS)
        column.addWidget(self.equations)
        column.addStretch(1)
