"""The transport tab's control column: run, sampling, the target mixture, what to show,
readouts and equations."""

from PyQt6 import QtWidgets

from mlphys_gui.tabs.transport.state import MAX_COMPONENTS, MEAN_LIMIT
from mlphys_gui.widgets.components import ComponentEditor
from mlphys_gui.widgets.panels import ControlColumn, row_of
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


class TransportControls(ControlColumn):
    """The widgets of the control column, made from the tab's declared state; the component
    editor and the default-target button are connected by the tab."""

    def __init__(self, controls, animator, reset, step_text: str, parent=None):
        super().__init__(parent)
        self.playback = PlaybackBar(animator, reset, step_text)
        self.group(
            "Run",
            self.playback,
            controls.slider("tau"),
            controls.speed("duration", animator, lambda seconds: 1.0 / seconds),
            controls.combo("dimension"),
            controls.combo("process"),
        )
        self.group(
            "Sampling (eqs. 9.2, 9.6)",
            controls.slider("steps"),
            controls.slider("n"),
            controls.seed_row(),
            controls.combo("schedule"),
            controls.slider("beta_min"),
            controls.slider("beta_max"),
        )
        self.components = ComponentEditor(MEAN_LIMIT, MAX_COMPONENTS)
        hint = QtWidgets.QLabel(
            "Drag the ◯ markers to move a component; click a density plot to add one there, "
            "right-click to remove the nearest. Or make the target from your own picture or "
            "point cloud (or drop the file on the window)."
        )
        hint.setWordWrap(True)
        self.default_target_button = QtWidgets.QPushButton("Default target")
        self.load_buttons = {
            "image": QtWidgets.QPushButton("From picture…"),
            "data": QtWidgets.QPushButton("From points…"),
        }
        self.load_buttons["image"].setToolTip(
            "A PNG or JPEG: its ink (dark on light, or light on dark) becomes up to "
            f"{MAX_COMPONENTS} components, one per occupied cell; a 2-D target"
        )
        self.load_buttons["data"].setToolTip(
            "A CSV of points, x (1-D) or x, y (2-D): k-means into up to "
            f"{MAX_COMPONENTS} clusters, each a component"
        )
        self.group(
            "Target: a Gaussian mixture",
            self.components,
            hint,
            row_of(self.load_buttons["image"], self.load_buttons["data"]),
            self.default_target_button,
        )
        self.add(controls.show_group(("show_exact", "show_particles", "show_field", "show_paths")))
        self.finish(READOUTS, "Equations (notes §9.2–9.5)", EQUATIONS)
