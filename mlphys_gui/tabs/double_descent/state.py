"""The double-descent tab's declared state (notes §5): the problem, the sweep, the fit shown."""

from core import double_descent as dd
from mlphys_gui.state import Choice, Flag, Integer, Real, Rule, Schema, Seed

FAMILIES = {
    "isotropic": "Isotropic Gaussian (theory)",
    "relu": "ReLU random features",
    "fourier": "Random Fourier features (1-D)",
    "digits": "Handwritten digits (real data, ReLU features)",
}
N_RANGE = (1, 400)
RATIO_RANGE = (1.5, 20.0)


def largest_width(values) -> int:
    """The largest model size of the sweep: p = ratio·n."""
    return dd.widths_for(values["n"], values["ratio"])[-1]


def _p_view_in_sweep(values) -> str | None:
    top = largest_width(values)
    if values["p_view"] > top:
        return f"the fit's p = {values['p_view']} is beyond the sweep's largest p = {top}"
    return None


def _clamp_p_view(values: dict, _edited, _previous) -> None:
    values["p_view"] = min(values["p_view"], largest_width(values))


SCHEMA = Schema(
    {
        "family": Choice(
            default="isotropic",
            label="features",
            options=FAMILIES,
            tooltip="Isotropic: x ~ N(0, I_p), the setting of Hastie et al. 2019 (theory curve "
            "shown).\nReLU: random features of a 20-dimensional input, nested widths.\nFourier: "
            "random Fourier features of a 1-D input (Belkin et al. 2019).\nDigits: the UCI "
            "handwritten digits (1797 images of 8 × 8 pixels), random ReLU features; the target "
            "is ±1 for an odd or even digit, the test error is measured on the images not "
            "trained on (no theory curve).",
        ),
        "n": Integer(
            default=40,
            label="n",
            low=N_RANGE[0],
            high=N_RANGE[1],
            tooltip="Number of training points",
        ),
        "sigma": Real(
            default=0.5,
            label="σ",
            low=0.0,
            high=5.0,
            steps=500,
            digits=3,
            tooltip="Label noise standard deviation (σ = 0 allowed)",
        ),
        "ridge": Real(
            default=0.05,
            label="λ",
            low=1e-6,
            high=1e3,
            log=True,
            digits=3,
            tooltip="Ridge penalty: argmin ‖y − Φβ‖² + λ‖β‖² (used when 'ridgeless' is off)",
            equation="§5",
            enabled_when=lambda v: not v["ridgeless"],
        ),
        "ridgeless": Flag(
            default=True,
            label="ridgeless (λ = 0: minimum-norm least squares)",
            tooltip="Of all interpolants, the one with the smallest ‖β‖: Φ⁺y",
            equation="§5",
        ),
        "trials": Integer(
            default=20,
            label="trials",
            low=1,
            high=200,
            tooltip="Independent draws averaged per width",
        ),
        "seed": Seed(0),
        "ratio": Real(
            default=4.0,
            label="p up to",
            low=RATIO_RANGE[0],
            high=RATIO_RANGE[1],
            steps=370,
            digits=3,
            unit="× n",
            tooltip="Largest model size as a multiple of n",
        ),
        "p_view": Integer(
            default=40,
            label="p",
            low=1,
            high=10_000,
            tooltip="Model size of the fit on the right (Fourier features); or click the curve",
        ),
    },
    rules=(Rule(("p_view", "n", "ratio"), _p_view_in_sweep, _clamp_p_view),),
)
