"""The Langevin tab's control column: run, dynamics, potential, initial condition, what to
show, readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.widgets.panels import ControlColumn
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


class LangevinControls(ControlColumn):
    """The widgets of the control column, made from the tab's declared state."""

    def __init__(self, controls, animator, reset, step_text: str, parent=None):
        super().__init__(parent)
        self.playback = PlaybackBar(animator, reset, step_text)
        self.group(
            "Run", self.playback, controls.speed("speed", animator), controls.combo("dimension")
        )
        self.group(
            "Dynamics (eqs. 9.1–9.2)",
            *(controls.slider(key) for key in ("n", "sigma", "dt")),
            controls.check("inertia"),
            controls.slider("mass"),
            controls.slider("gamma"),
            controls.seed_row(),
        )
        self.derivative_label = QtWidgets.QLabel()
        self.derivative_label.setWordWrap(True)
        self.derivative_label.setToolTip("The exact derivative of the typed V: the drift is −V′")
        self.group(
            "Potential V",
            controls.combo("potential"),
            *(controls.slider(key) for key in ("k", "depth", "tilt", "ky")),
            controls.formula("expression"),
            self.derivative_label,
        )
        self.group(
            "Initial condition (eq. 9.3)",
            controls.combo("initial"),
            controls.slider("x0"),
            controls.slider("spread"),
        )
        self.add(controls.show_group(("show_histogram", "show_pde", "show_boltzmann"), columns=3))
        self.finish(READOUTS, "Equations (notes §9.1–9.2)", EQUATIONS)
