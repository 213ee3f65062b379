"""The posterior tab's declared state (notes §3–4): the model, the prior and noise, the data
generator and the data, and what the plots show."""

from mlphys_gui.state import Choice, Column, Flag, Integer, Real, Rule, Schema, Seed, Table, Text

MAX_POINTS = 10_000
X_LIMIT = 1e6  # |x| of the data and of the generator's range
Y_LIMIT = 1e9  # |y| of the data: (y/σᵢ)² stays far from overflowing
SIGMA_RANGE = (1e-3, 10.0)  # the σ slider
SIGMA_COLUMN_RANGE = (1e-6, 1e6)  # σᵢ/σ, or σᵢ itself when the data bring their own
SIGMA_SOURCES = {
    "slider": "σ slider: σᵢ = σ·wᵢ (wᵢ = 1, or the generator's noise profile)",
    "data": "the data: each point's own σᵢ (a σ column of imported data)",
}
TRUTHS = {"line": "Line −0.3 + 0.5x", "sine": "Sine", "cubic": "Cubic"}
BASES = {"polynomial": "Polynomial", "gaussian": "Gaussian bumps"}
SIZE_KEY = {"polynomial": "degree", "gaussian": "bumps"}
MIN_X_SPAN = 1e-3  # a narrower x-range (1e-320 wide, typed) overflows the plot's transform


def model_size(values) -> int:
    """The polynomial degree, or the number of bumps: there are size + 1 weights."""
    return values[SIZE_KEY[values["basis"]]]


def highest_weight_index(values) -> int:
    """The largest index the weight-space choosers offer (β₀, β₁ even for degree 0)."""
    return max(model_size(values), 1)


def _x_range_wide_enough(values) -> str | None:
    if not values["x_high"] - values["x_low"] >= MIN_X_SPAN:
        return f"'to' must exceed 'x from' by at least {MIN_X_SPAN:g}"
    return None


def _two_weights(values) -> str | None:
    top = highest_weight_index(values)
    if max(values["weight_i"], values["weight_j"]) > top:
        return f"the model has weights β₀ … β{top} only"
    if values["weight_i"] == values["weight_j"]:
        return "weight space needs two different weights"
    return None


def _keep_two_weights(values: dict, edited, previous) -> None:
    """Choosing the weight already on the other axis swaps the axes; a smaller model moves
    the choice onto weights it has."""
    top = highest_weight_index(values)
    i, j = min(values["weight_i"], top), min(values["weight_j"], top)
    if i == j:
        if "weight_i" in edited:
            j = previous["weight_i"] if previous["weight_i"] <= top else (i + 1) % (top + 1)
        else:
            i = previous["weight_j"] if previous["weight_j"] <= top else (j + 1) % (top + 1)
    values["weight_i"], values["weight_j"] = i, j


def _new_seed_new_stream(values: dict, edited, previous) -> None:
    """A new seed starts a new stream of data: the points drawn so far are cleared (imported
    data stay: they did not come from the stream)."""
    if "seed" in edited and values["seed"] != previous["seed"] and not values["data_name"]:
        values["points"], values["stream_position"] = (), 0


def noise_scale(values) -> float:
    """What the table's third column is multiplied by to give each point's noise σᵢ: σ (the
    column holds σᵢ/σ), or 1 when the data bring their own σᵢ (``sigma_source`` "data")."""
    return 1.0 if values["sigma_source"] == "data" else values["sigma"]


def imported(values) -> bool:
    """Whether the points came from a file or the clipboard (no true function behind them)."""
    return bool(values["data_name"])


def _sigma_help(values) -> str:
    if values["sigma_source"] == "data":
        return (
            "Noise σ of new points (Next point, clicks) and of the predictive bands. The "
            f"imported points keep their own σᵢ from the σ column of {values['data_name']}: "
            "eq. 4.14 weights each by 1/σᵢ²"
        )
    return "Noise standard deviation σ of every point (σᵢ = σ·wᵢ); new points are drawn with it" + (
        f" (the data of {values['data_name']} have no σ column)" if imported(values) else ""
    )


SCHEMA = Schema(
    {
        "basis": Choice(
            default="polynomial",
            label="basis",
            options=BASES,
            tooltip="Feature map φ(x): powers of x, or Gaussian bumps plus a bias",
            equation="eq. 4.14",
        ),
        "degree": Integer(
            default=1,
            label="degree",
            low=0,
            high=12,
            tooltip="Polynomial degree (weights: degree + 1)",
            shown_when=lambda v: v["basis"] == "polynomial",
        ),
        "bumps": Integer(
            default=9,
            label="bumps",
            low=1,
            high=20,
            tooltip="Number of Gaussian bumps (plus a bias weight)",
            shown_when=lambda v: v["basis"] == "gaussian",
        ),
        "bump_width": Real(
            default=0.2,
            label="width",
            low=0.01,
            high=10.0,
            log=True,
            digits=3,
            tooltip="Width of each Gaussian bump",
            enabled_when=lambda v: v["basis"] == "gaussian",
        ),
        "sigma": Real(
            default=0.2,
            label="σ",
            low=SIGMA_RANGE[0],
            high=SIGMA_RANGE[1],
            log=True,
            digits=3,
            tooltip="Noise standard deviation σ; new points are drawn with it",
            tooltip_when=_sigma_help,
            equation="eq. 4.2",
        ),
        "prior_precision": Real(
            default=2.0,
            label="λ",
            low=1e-4,
            high=1e4,
            log=True,
            digits=3,
            tooltip="Prior precision λ: β ~ N(0, λ⁻¹I); the ridge penalty is λσ²",
            equation="eq. 3.12",
        ),
        "truth": Choice(
            default="line",
            label="truth",
            options=TRUTHS,
            tooltip="The function the generated data come from",
        ),
        "heteroscedastic": Flag(
            default=False,
            label="heteroscedastic (σᵢ grows with x)",
            tooltip="Each point's noise σᵢ rises from σ/4 to 7σ/4 across the x-range; the MLE "
            "weights each point by 1/σᵢ²",
            equation="eq. 4.14",
        ),
        "x_low": Real(
            default=-1.0,
            label="x from",
            low=-X_LIMIT,
            high=X_LIMIT,
            tooltip="The x-range shown, where generated points fall and the bumps are spread: from",
        ),
        "x_high": Real(
            default=1.0,
            label="to",
            low=-X_LIMIT,
            high=X_LIMIT,
            tooltip="The x-range shown, where generated points fall and the bumps are spread: to",
        ),
        "seed": Seed(1),
        "stream_position": Integer(
            default=0,
            label="points drawn",
            low=0,
            high=10**7,
            tooltip="How far the seeded stream has been read",
        ),
        "points": Table(
            default=(),
            label="data",
            columns=(
                Column("x", -X_LIMIT, X_LIMIT),
                Column("y", -Y_LIMIT, Y_LIMIT),
                Column("wᵢ = σᵢ/σ, or σᵢ", *SIGMA_COLUMN_RANGE),
            ),
            max_rows=MAX_POINTS,
            example=((-0.5, -0.4, 1.0), (0.25, 0.1, 1.0), (0.75, 0.2, 1.0)),
            noun="point",
            tooltip="The data (x, y and the noise column: wᵢ = σᵢ/σ, or σᵢ itself when the data "
            "bring their own): click the plot to add a point, right-click to remove one",
        ),
        "sigma_source": Choice(
            default="slider",
            label="σᵢ from",
            options=SIGMA_SOURCES,
            tooltip="Where each point's noise σᵢ comes from: the σ slider, or the data's own σ "
            "column (set by File → Import data)",
            equation="eq. 4.14",
            added_later=True,
        ),
        "data_name": Text(
            default="",
            label="data from",
            max_length=200,
            examples=("pendulum.csv",),
            tooltip="Where imported data came from (a file's name, or the clipboard); empty for "
            "generated and clicked points",
            added_later=True,
        ),
        **{
            f"{axis}_name": Text(
                default="",
                label=f"{axis} axis",
                max_length=60,
                examples=(example,),
                tooltip=f"The name of the data's {axis} column (its header), shown on the {axis} "
                f"axis; empty: “{axis}”",
                added_later=True,
            )
            for axis, example in (("x", "L (m)"), ("y", "T² (s²)"))
        },
        "samples": Integer(
            default=6, label="samples", low=0, high=50, tooltip="Functions drawn from the posterior"
        ),
        "rate": Real(
            default=2.0,
            label="rate",
            low=0.5,
            high=50.0,
            log=True,
            digits=2,
            unit="points/s",
            tooltip="How fast Play adds points",
        ),
        "show_truth": Flag(
            default=True,
            label="True function",
            tooltip="The function the generated data come from (imported data have none)",
            enabled_when=lambda v: not imported(v),
        ),
        "show_bands": Flag(
            default=True,
            label="Predictive ±1σ, ±2σ",
            tooltip="Posterior predictive bands, noise included",
        ),
        "show_mle": Flag(
            default=True,
            label="MLE (eq. 4.14)",
            tooltip="Maximum likelihood fit",
            equation="eq. 4.14",
        ),
        "show_map": Flag(
            default=True,
            label="MAP / ridge (eq. 3.13)",
            tooltip="Maximum a posteriori = ridge with penalty λσ²",
            equation="eq. 3.13",
        ),
        "weight_i": Integer(
            default=0,
            label="β (x-axis)",
            low=0,
            high=20,
            spin=True,
            tooltip="Which weight the weight-space panel shows across",
        ),
        "weight_j": Integer(
            default=1,
            label="β (y-axis)",
            low=0,
            high=20,
            spin=True,
            tooltip="Which weight the weight-space panel shows up",
        ),
    },
    rules=(
        Rule(("x_low", "x_high"), _x_range_wide_enough),
        Rule(("weight_i", "weight_j", "basis", "degree", "bumps"), _two_weights, _keep_two_weights),
        Rule(("seed", "points", "stream_position", "data_name"), repair=_new_seed_new_stream),
    ),
)
