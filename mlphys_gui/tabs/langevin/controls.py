"""The Langevin tab's control column: run, dynamics, potential, initial condition, what to
show, readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.widgets.equation import EquationPanel
from mlphys_gui.widgets.panels import ReadoutPanel
from mlphys_gui.widgets.playback import PlaybackBar

READOUTS = [
    ("t", "t", "simulated time"),
    ("mean", "mean", "mean position of the particles (p_t in brackets)"),
    ("variance", "variance", "variance of the positions (p_t in brackets)"),
    ("right_well", "right well", "fraction of particles with x > 0 (p_t in brackets)"),
    ("distance", "‖hist − p_t‖", "total-variation distance ½∫|histogram − p_t| dx"),
    ("speed", "speed", "simulated time per second actually achieved"),
]
EQUATIONS = [
    ("lv_eq_9_1", "eq. 9.1 written correctly: force −∇V, friction −γẊ, noise σξ"),
    ("lv_eq_9_2", "eq. 9.2 with μ = −V′: overdamped Langevin"),
    ("lv_eq_9_4", "eq. 9.4 for this drift: the Fokker–Planck equation"),
    ("lv_boltzmann", "its stationary state, the Boltzmann density (kT = σ²/2)"),
    ("lv_eq_9_8", "σ → 0: the transport equation (eq. 9.8)"),
]


class LangevinControls(QtWidgets.QWidget):
    """The widgets of the control column, made from the tab's declared state."""

    def __init__(self, controls, animator, reset, step_text: str, parent=None):
        super().__init__(parent)
        column = QtWidgets.QVBoxLayout(self)

        run = QtWidgets.QGroupBox("Run")
        box = QtWidgets.QVBoxLayout(run)
        self.playback = PlaybackBar(animator, reset, step_text)
        box.addWidget(self.playback)
        box.addWidget(controls.speed("speed", animator))
        box.addWidget(controls.combo("dimension"))
        column.addWidget(run)

        dynamics = QtWidgets.QGroupBox("Dynamics (eqs. 9.1–9.2)")
        box = QtWidgets.QVBoxLayout(dynamics)
        for key in ("n", "sigma", "dt"):
            box.addWidget(controls.slider(key))
        box.addWidget(controls.check("inertia"))
        box.addWidget(controls.slider("mass"))
        box.addWidget(controls.slider("gamma"))
        box.addWidget(controls.seed_row())
        column.addWidget(dynamics)

        potential = QtWidgets.QGroupBox("Potential V")
        box = QtWidgets.QVBoxLayout(potential)
        box.addWidget(controls.combo("potential"))
        for key in ("k", "depth", "tilt", "ky"):
            box.addWidget(controls.slider(key))
        box.addWidget(controls.formula("expression"))
        self.derivative_label = QtWidgets.QLabel()
        self.derivative_label.setWordWrap(True)
        self.derivative_label.setToolTip("The exact derivative of the typed V: the drift is −V′")
        box.addWidget(self.derivative_label)
        column.addWidget(potential)

        initial = QtWidgets.QGroupBox("Initial condition (eq. 9.3)")
        box = QtWidgets.QVBoxLayout(initial)
        box.addWidget(controls.combo("initial"))
        box.addWidget(controls.slider("x0"))
        box.addWidget(controls.slider("spread"))
        column.addWidget(initial)

        column.addWidget(
            controls.show_group(("show_histogram", "show_pde", "show_boltzmann"), columns=3)
        )
        readouts = ReadoutPanel("Readouts", READOUTS)
        self.readouts = readouts.table
        column.addWidget(readouts)
        self.equations = EquationPanel("Equations (notes §9.1–9.2)", EQUATIONS)
        column.addWidget(self.equations)
        column.addStretch(1)
