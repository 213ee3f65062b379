"""The Langevin tab's declared state (notes §9.1–9.2): the dimension and potential, the dynamics,
the initial condition and what the plot shows. The simulated time is run progress."""

from functools import lru_cache

from core import langevin as lv
from mlphys_gui.state import Choice, Flag, Integer, Real, Rule, Schema, Seed, Text

POTENTIALS = {
    "harmonic": "Harmonic  k x²/2",
    "double_well": "Double well  h (x² − 1)²",
    "tilted": "Tilted double well  h (x² − 1)² + a x",
    "expression": "Typed expression V(x)",
}
INITIALS = {"point": "All at x₀", "uniform": "Uniform on the box", "gaussian": "Gaussian around x₀"}
DIMENSIONS = {"1d": "1-D: particles and p_t on one axis", "2d": "2-D: particles over V(x, y)"}
HALF_WIDTH = 3.0  # the box is [−3, 3] (and [−3, 3]² in 2-D)
DEFAULT_EXPRESSION = "x**4/4 - x**2/2 + 0.2*sin(5*x)"
MAX_TIME = 1e4


@lru_cache(maxsize=64)
def typed_potential(text: str, dimension: str):
    """The potential of a typed V(x) (1-D) or V(x, y) (2-D); ValueError says why not."""
    return lv.from_expression_2d(text) if dimension == "2d" else lv.from_expression(text)


def _expression_fits_dimension(values) -> str | None:
    """A typed V must parse with the variables of the dimension: V(x, y) only in 2-D."""
    if values["potential"] != "expression":
        return None
    try:
        typed_potential(values["expression"], values["dimension"])
    except ValueError as error:
        variables = "V(x, y)" if values["dimension"] == "2d" else "V(x)"
        return f"{variables}: {error}"
    return None


def _one_d(values) -> bool:
    return values["dimension"] == "1d"


def _with_inertia(values) -> bool:
    return values["inertia"] and _one_d(values)


def _built_in_depth(values) -> bool:
    kind = values["potential"]
    return kind in ("double_well", "tilted") or (not _one_d(values) and kind != "expression")


SCHEMA = Schema(
    {
        "dimension": Choice(
            default="1d", label="dimension", options=DIMENSIONS, tooltip="1-D or 2-D particles"
        ),
        "potential": Choice(
            default="double_well",
            label="potential",
            options=POTENTIALS,
            tooltip="The potential V; the drift is μ = −V′",
            equation="eq. 9.2",
        ),
        "k": Real(
            default=1.0,
            label="k",
            low=0.05,
            high=20.0,
            log=True,
            digits=3,
            tooltip="Spring constant of the harmonic well",
            shown_when=lambda v: v["potential"] == "harmonic" and _one_d(v),
        ),
        "depth": Real(
            default=1.0,
            label="depth h",
            low=0.05,
            high=10.0,
            log=True,
            digits=3,
            tooltip="Barrier height of the double well",
            shown_when=_built_in_depth,
        ),
        "tilt": Real(
            default=0.0,
            label="tilt a",
            low=-3.0,
            high=3.0,
            steps=600,
            digits=3,
            tooltip="Adds a·x: one well becomes deeper",
            shown_when=lambda v: v["potential"] == "tilted",
        ),
        "ky": Real(
            default=1.0,
            label="k_y",
            low=0.1,
            high=10.0,
            log=True,
            digits=3,
            tooltip="2-D mode: harmonic confinement k_y y²/2",
            shown_when=lambda v: not _one_d(v) and v["potential"] != "expression",
        ),
        "expression": Text(
            default=DEFAULT_EXPRESSION,
            label="V",
            max_length=500,
            examples=("x**4/4 - x**2/2", "x**2/2 + 0.5*cos(3*x)", "x**4/4 - x**2/2 + y**2/2"),
            tooltip="V(x) (or V(x, y) in 2-D) from + − * / **, numbers, x, y, pi, e and\n"
            "sin cos tan exp log sqrt tanh sinh cosh arctan abs. Enter applies it; V′ is exact.",
            shown_when=lambda v: v["potential"] == "expression",
        ),
        "n": Integer(
            default=20_000,
            label="N",
            low=10,
            high=1_000_000,
            log=True,
            tooltip="Number of particles (10 to 10⁶)",
        ),
        "sigma": Real(
            default=0.8,
            label="σ",
            low=0.0,
            high=3.0,
            steps=300,
            digits=3,
            tooltip="Noise amplitude σ in dX = −V′dt + σ dW; kT = σ²/2. σ = 0: transport (eq. 9.8)",
            equation="eq. 9.2",
        ),
        "dt": Real(
            default=0.005,
            label="dt",
            low=1e-5,
            high=10.0,
            log=True,
            digits=3,
            tooltip="Euler–Maruyama / BAOAB time step",
        ),
        "speed": Real(
            default=1.0,
            label="speed",
            low=0.01,
            high=20.0,
            log=True,
            digits=3,
            unit="t / s",
            tooltip="Simulated time per second of wall-clock time",
        ),
        "seed": Seed(0),
        "initial": Choice(
            default="point",
            label="start",
            options=INITIALS,
            tooltip="The initial density p₀",
            equation="eq. 9.3",
        ),
        "x0": Real(
            default=-1.0,
            label="x₀",
            low=-HALF_WIDTH,
            high=HALF_WIDTH,
            steps=600,
            digits=3,
            tooltip="Where the particles start",
        ),
        "spread": Real(
            default=0.2,
            label="spread",
            low=0.01,
            high=3.0,
            log=True,
            digits=3,
            tooltip="Standard deviation of the Gaussian start",
            shown_when=lambda v: v["initial"] == "gaussian",
        ),
        "inertia": Flag(
            default=False,
            label="inertia: m Ẍ = −V′ − γẊ + σξ (BAOAB)",
            tooltip="Underdamped Langevin (eq. 9.1, corrected); kT = σ²/(2γ). 1-D only",
            equation="eq. 9.1",
            enabled_when=_one_d,
        ),
        "mass": Real(
            default=1.0,
            label="m",
            low=0.05,
            high=20.0,
            log=True,
            digits=3,
            tooltip="Mass",
            equation="eq. 9.1",
            shown_when=_with_inertia,
        ),
        "gamma": Real(
            default=1.0,
            label="γ",
            low=0.05,
            high=20.0,
            log=True,
            digits=3,
            tooltip="Friction",
            equation="eq. 9.1",
            shown_when=_with_inertia,
        ),
        "show_histogram": Flag(default=True, label="histogram", tooltip="The particles' histogram"),
        "show_pde": Flag(
            default=True,
            label="p_t (eq. 9.4)",
            tooltip="The Fokker–Planck density p_t",
            equation="eq. 9.4",
        ),
        "show_boltzmann": Flag(
            default=True,
            label="Boltzmann",
            tooltip="The stationary density ∝ exp(−2V/σ²)",
            equation="eq. 9.4",
        ),
    },
    rules=(Rule(("expression", "potential", "dimension"), _expression_fits_dimension),),
    progress={
        "time": Real(default=0.0, label="t", low=0.0, high=MAX_TIME, tooltip="Simulated time")
    },
)
