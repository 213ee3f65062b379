"""The transport tab's declared state (notes §9.2–9.5): the samplers shown, the noise schedule,
the targets (a Gaussian mixture per dimension), the generation time τ and what is shown."""

from core import transport as tr
from core.mixture_fit import MAX_COMPONENTS
from mlphys_gui.state import Choice, Column, Flag, Integer, Real, Rule, Schema, Seed, Table
from mlphys_gui.widgets.components import STD_RANGE, WEIGHT_RANGE

PROCESS_NAMES = {
    "reverse_sde": "Reverse SDE (score-based diffusion)",
    "probability_flow": "Probability-flow ODE",
    "flow_matching": "Flow matching (linear interpolant)",
}
SHOWN = {"all": "All three side by side", **PROCESS_NAMES}
SCHEDULES = {
    "linear": "Linear β(s) (Song et al. 2021)",
    "cosine": "Cosine α(s) (Nichol & Dhariwal), β clipped",
    "constant": "Constant β: the Ornstein–Uhlenbeck process",
}
DIMENSIONS = {
    "1d": "1-D: paths over the (τ, x) map of p_τ",
    "2d": "2-D: particles over the heat map of p_τ",
}
MEAN_LIMIT = 3.5


def default_rows(dim: int) -> list[list[float]]:
    """The default target's components as rows [weight, mean…, σ]."""
    return tr.default_target(dim).rows()


def _target(dim: int, example) -> Table:
    axes = ("x",) if dim == 1 else ("x", "y")
    return Table(
        default=default_rows(dim),
        label=f"{dim}-D target",
        columns=(
            Column("weight", *WEIGHT_RANGE),
            *(Column(f"mean {axis}", -MEAN_LIMIT, MEAN_LIMIT) for axis in axes),
            Column("σ", *STD_RANGE),
        ),
        min_rows=1,
        max_rows=MAX_COMPONENTS,
        example=example,
        noun="component",
        tooltip="A Gaussian mixture: weight, mean and standard deviation of each component (up "
        f"to {MAX_COMPONENTS}: placed by clicking, or made from a picture or a point cloud)",
    )


def _beta_ordered(values) -> str | None:
    if values["schedule"] == "linear" and values["beta_min"] > values["beta_max"]:
        return "β_min must not exceed β_max"
    return None


def _carry_beta_along(values: dict, edited, _previous) -> None:
    """Moving one of β_min, β_max past the other carries the other along."""
    if values["schedule"] != "linear" or values["beta_min"] <= values["beta_max"]:
        return
    if "beta_min" in edited:
        values["beta_max"] = max(values["beta_min"], 0.5)
        values["beta_min"] = min(values["beta_min"], values["beta_max"])
    else:
        values["beta_min"] = values["beta_max"]


SCHEMA = Schema(
    {
        "dimension": Choice(
            default="1d", label="dimension", options=DIMENSIONS, tooltip="1-D or 2-D data"
        ),
        "process": Choice(
            default="all",
            label="sampler",
            options=SHOWN,
            tooltip="Which sampler to show, or all three from the same noise",
        ),
        "steps": Integer(
            default=100,
            label="steps",
            low=1,
            high=1000,
            log=True,
            tooltip="Euler (ODEs) or Euler–Maruyama (SDE) steps from τ = 0 to 1: few steps show "
            "the discretisation error",
        ),
        "schedule": Choice(
            default="linear",
            label="schedule",
            options=SCHEDULES,
            tooltip="Noise schedule β(s) of the diffusion dX = −½βX ds + √β dW (reverse SDE and "
            "probability flow)",
            equation="eq. 9.2",
        ),
        "beta_min": Real(
            default=0.1,
            label="β_min",
            low=0.0,
            high=5.0,
            steps=500,
            digits=3,
            tooltip="β at s = 0 (linear schedule)",
            shown_when=lambda v: v["schedule"] == "linear",
        ),
        "beta_max": Real(
            default=20.0,
            label="β_max",
            low=0.5,
            high=50.0,
            log=True,
            digits=3,
            tooltip="β at s = 1 (linear), the constant β, or the clip of the cosine rate. Small "
            "β_max: the noise never reaches N(0, I) (see 'base mismatch')",
        ),
        "n": Integer(
            default=2000,
            label="N",
            low=10,
            high=20_000,
            log=True,
            tooltip="Number of particles (10 to 20 000)",
        ),
        "seed": Seed(0),
        "tau": Real(
            default=0.0,
            label="τ",
            low=0.0,
            high=1.0,
            steps=1000,
            digits=3,
            tooltip="Generation time τ: 0 is the base N(0, I), 1 the target (s = 1 − τ is the "
            "diffusion time)",
        ),
        "duration": Real(
            default=6.0,
            label="duration",
            low=1.0,
            high=60.0,
            log=True,
            digits=3,
            unit="s",
            tooltip="Seconds that Play takes from τ = 0 to τ = 1",
        ),
        "target_1d": _target(1, ((1.0, -1.5, 0.3), (1.0, 1.5, 0.3))),
        "target_2d": _target(
            2, ((1.0, 0.0, 2.0, 0.4), (1.0, -1.7, -1.0, 0.4), (1.0, 1.7, -1.0, 0.4))
        ),
        "show_exact": Flag(
            default=True, label="exact p_τ", tooltip="The exact density p_τ (√p shading)"
        ),
        "show_particles": Flag(default=True, label="particles", tooltip="The sampled particles"),
        "show_field": Flag(
            default=True,
            label="vector field",
            tooltip="The velocity field (for the SDE, its drift)",
        ),
        "show_paths": Flag(
            default=True, label="trajectories", tooltip="Trajectories of a few particles"
        ),
    },
    rules=(Rule(("beta_min", "beta_max", "schedule"), _beta_ordered, _carry_beta_along),),
)
