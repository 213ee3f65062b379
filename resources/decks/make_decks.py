"""Write the shipped lecture decks (resources/decks/*.json) from the lectures below.

Developer script, not imported by the app. Usage (from the repository root):

    QT_QPA_PLATFORM=offscreen python resources/decks/make_decks.py

Each step starts from its tab's default state and changes what the lecture needs; data points
of the posterior tab are drawn from its seeded stream by the tab itself (``points=n``), so a
deck is what a lecturer would have built by hand. Every note was checked against its step as
the app shows it (the readouts quoted are the app's). Run again when a tab's declared state
changes, and look at the handouts (``mlphys-gui handout resources/decks/NAME.json -o NAME.pdf``).
"""

from pathlib import Path

from mlphys_gui.app import create_application
from mlphys_gui.deck import UNTIL_PAUSED, Deck, Step, write_deck_file
from mlphys_gui.handout import offscreen_tab
from mlphys_gui.style import Style
from mlphys_gui.tabs import SCHEMAS

HERE = Path(__file__).resolve().parent
SHEAR = [[1.0, 1.0], [0.0, 1.0]]
ROTATION_30 = [[0.8660254037844387, -0.5], [0.5, 0.8660254037844387]]


def step(tab, title, note, play=None, points=0, **changes) -> dict:
    return {"tab": tab, "title": title, "note": note, "play": play, "points": points, **changes}


SVD = (
    "The geometry of the SVD (notes §1.1)",
    [
        step(
            "svd",
            "A matrix turns the unit circle into an ellipse",
            "A = [[1.5, 0.5], [0.25, 1]]. The image of the unit circle is an ellipse whose "
            "semi-axes are σ₁u₁ and σ₂u₂. The singular values are the square roots of the "
            "eigenvalues of AᵀA (eq. 1.2): σ₁ = 1.707, σ₂ = 0.8055 in the readouts.",
        ),
        step(
            "svd",
            "A shear, stage by stage",
            "A = [[1, 1], [0, 1]]. PageDown plays A = UΣVᵀ (eq. 1.3) from t = 0: Vᵀ rotates "
            "(0→1), Σ stretches along the axes (1→2), U rotates (2→3). Only rotations and "
            "stretches. σ₁ = 1.618 = φ, σ₂ = 0.618 = 1/φ, det A = σ₁σ₂ = 1.",
            play=6.5,
            matrix=SHEAR,
            stage=0.0,
        ),
        step(
            "svd",
            "After Vᵀ: the circle has only turned",
            "t = 1. Vᵀ is a rotation (by −58.3°): the circle is still the unit circle, the "
            "grid and e₁, e₂ have turned, and the right singular vectors v₁, v₂ now lie "
            "along the x and y axes.",
            matrix=SHEAR,
            stage=1.0,
        ),
        step(
            "svd",
            "After Σ: stretched along the axes",
            "t = 2. Σ stretches the axes by σ₁ = 1.618 and σ₂ = 0.618: an ellipse with its "
            "axes along x and y. This is all the stretching A does; U (t = 2→3) only turns "
            "the ellipse into place.",
            matrix=SHEAR,
            stage=2.0,
        ),
        step(
            "svd",
            "A rotation: σ₁ = σ₂ = 1",
            "A rotation by 30°. Both singular values are 1 and κ = σ₁/σ₂ = 1: the circle stays "
            "the unit circle, only e₁ and e₂ turn. With equal singular values the singular "
            "vectors are not unique; here Vᵀ is the identity and U does all the turning.",
            matrix=ROTATION_30,
        ),
        step(
            "svd",
            "A reflection: det A < 0",
            "A = diag(1, −1). PageDown plays the stages. U and Vᵀ stay rotations; the "
            "reflection lives in Σ, whose second entry runs from 1 to −1 during the stretch: "
            "the circle flattens to a segment at t = 1.5 and opens again, mirrored.",
            play=6.5,
            matrix=[[1.0, 0.0], [0.0, -1.0]],
            stage=0.0,
        ),
        step(
            "svd",
            "Rank 1: the circle collapses onto a line",
            "A = [[1, 1], [0.5, 0.5]]: both columns point the same way. σ₂ = 0, so the rank is "
            "1 and κ = ∞; the whole plane is mapped onto the line along u₁. The rank is the "
            "number of non-zero singular values.",
            matrix=[[1.0, 1.0], [0.5, 0.5]],
        ),
        step(
            "svd",
            "Nearly singular: a huge condition number",
            "A = [[1, 1], [1, 1.001]]: σ₁ ≈ 2, σ₂ ≈ 0.0005, κ ≈ 4000. The ellipse is a "
            "needle; solving Ax = b loses about log₁₀κ ≈ 3.6 digits.",
            matrix=[[1.0, 1.0], [1.0, 1.001]],
        ),
        step(
            "svd",
            "A picture is a matrix: rank 1",
            "A 192 × 144 grey-level picture is a matrix. Its best rank-k approximation keeps "
            "the k largest singular values, A_k = Σ_{i≤k} σᵢuᵢvᵢᵀ (Eckart–Young). Rank 1 is an "
            "outer product σ₁u₁v₁ᵀ: a plaid of one column profile times one row profile. "
            "PageDown plays: singular values are added one by one (Space stops).",
            play=UNTIL_PAUSED,
            view="low-rank",
            rank=1,
        ),
        step(
            "svd",
            "Rank 10: the picture is back",
            "Ten of 144 singular values: the formula and the wave are readable. The measured "
            "error ‖A − A_k‖_F/‖A‖_F = 0.269 equals the Eckart–Young value "
            "√(Σ_{i>k}σᵢ²)/‖A‖_F, and the storage k(m + n + 1)/(mn) is 12 % of the pixels.",
            view="low-rank",
            rank=10,
        ),
        step(
            "svd",
            "A lattice with a defect needs more",
            "A perfect square lattice would be exactly rank 1. Six singular values already "
            "leave only 7 % error: the lattice is in the first few, and the dislocation, the "
            "vacancy and the heavier atom are what the long, slowly falling tail carries.",
            view="low-rank",
            image="lattice_defect",
            rank=6,
        ),
    ],
)

POSTERIOR = (
    "Bayesian linear regression, point by point (notes §3–4)",
    [
        step(
            "posterior",
            "The prior, before any data",
            "A straight line f(x) = β₀ + β₁x, prior β ~ N(0, λ⁻¹I) with λ = 2 (eq. 3.12). With "
            "no data the predictive bands are the prior's, the functions drawn from it go any "
            "way, and in weight space the prior is a circle around 0; the true β is marked.",
            samples=6,
        ),
        step(
            "posterior",
            "One point: a band of lines",
            "One observation. Its likelihood (shaded in weight space) is a band: every line "
            "through the point fits it. The posterior ∝ likelihood × prior (eq. 4.16) is an "
            "ellipse. With fewer points than weights the MLE is undefined.",
            points=1,
        ),
        step(
            "posterior",
            "Two points",
            "n = p = 2: the MLE (eq. 4.14) now exists and passes through both points; the "
            "posterior ellipse has shrunk in both directions, but the bands are still wide "
            "away from the data.",
            points=2,
        ),
        step(
            "posterior",
            "Points arrive",
            "PageDown plays: two new points a second from the seeded generator (truth "
            "−0.3 + 0.5x, σ = 0.2). The posterior contracts onto the true β and the "
            "predictive band narrows towards the noise level ±σ.",
            play=9.0,
            points=2,
        ),
        step(
            "posterior",
            "MLE and MAP agree once data dominate",
            "20 points: the MLE (eq. 4.14) and the MAP estimate nearly coincide. −log "
            "posterior = (1/2σ²)Σ(yᵢ − φᵢᵀβ)² + (λ/2)‖β‖² (eq. 3.13 corrected): MAP is ridge "
            "regression with penalty λσ², and the prior's pull fades as n grows.",
            points=20,
        ),
        step(
            "posterior",
            "Degree 9 with ten points: overfitting",
            "Data from sin πx, a degree-9 polynomial, λ = 0.001 (a weak prior). Ten weights, "
            "ten points: the MLE threads every point and swings far out between them. The "
            "posterior mean, pulled towards 0 even by this prior, swings much less, and its "
            "bands widen where there are no data. The evidence prefers degree 3.",
            truth="sine",
            degree=9,
            prior_precision=0.001,
            points=10,
        ),
        step(
            "posterior",
            "Evidence picks the model",
            "25 points of sin πx. The evidence log p(y), the denominator of Bayes' formula "
            "(eq. 3.9), against the degree (lowest plot) jumps at degree 3 and is largest at "
            "degree 5 (−18.7); higher degrees fit no better and slowly lose evidence. It "
            "trades fit against complexity without a test set.",
            truth="sine",
            degree=5,
            points=25,
        ),
        step(
            "posterior",
            "Heteroscedastic noise",
            "σᵢ grows with x (error bars). The likelihood weights each point by 1/σᵢ² "
            "(eq. 4.6): the MLE of eq. 4.14 with Σ = diag(σᵢ²) trusts the left end more, "
            "and the predictive bands widen to the right.",
            truth="cubic",
            degree=3,
            heteroscedastic=True,
            points=30,
        ),
        step(
            "posterior",
            "Any features: Gaussian bumps",
            "Nine Gaussian bumps of width 0.2 as features φ(x). The model is still linear in "
            "β, so prior, posterior and evidence stay exact; the weight plot shows two of "
            "the nine weights.",
            truth="sine",
            basis="gaussian",
            points=25,
        ),
    ],
)

DOUBLE_DESCENT = (
    "Double descent (notes §5)",
    [
        step(
            "double-descent",
            "Ridgeless regression: the second descent",
            "n = 40 points, isotropic Gaussian features, σ = 0.5, the minimum-norm "
            "least-squares fit Φ⁺y. The test error grows with p, peaks at p = n where Φ is "
            "square and barely invertible, then descends again. Dashed: the asymptotic "
            "theory of Hastie et al. (2019), through the mean of 20 trials.",
        ),
        step(
            "double-descent",
            "The norm of the fit explodes at p = n",
            "The lower plot: ‖β̂‖ peaks at p = n as well. Past the threshold, of all the "
            "interpolants the minimum-norm one gets smaller as p grows: an implicit "
            "regulariser, a soft inductive bias (§5.1).",
            trials=40,
        ),
        step(
            "double-descent",
            "No noise, no peak",
            "σ = 0. Below p = n the fit is exact (the error is 0, below the axis); past it "
            "the error is r²(1 − n/p), the signal the n points cannot pin down. No peak: "
            "the peak at p = n is noise amplified by the smallest singular value of Φ.",
            sigma=0.0,
        ),
        step(
            "double-descent",
            "More noise, a taller peak",
            "σ = 1. The noise terms σ²γ/(1 − γ) (γ = p/n < 1) and σ²/(γ − 1) (γ > 1) both "
            "diverge at γ = 1. Four times the noise variance: the peak is four times as high "
            "(2.8·10⁴ against 6.9·10³ at σ = 0.5).",
            sigma=1.0,
        ),
        step(
            "double-descent",
            "A well-tuned ridge removes the peak",
            "λ = 0.5 instead of λ → 0: ridge regression keeps the smallest singular values "
            "from amplifying the noise. The peak is gone (at most 1.0 instead of 6900) and "
            "the fit at p = n on the right is smooth (Nakkiran et al. 2021): double descent "
            "belongs to the (near-)ridgeless estimator.",
            ridgeless=False,
            ridge=0.5,
        ),
        step(
            "double-descent",
            "Random ReLU features",
            "ReLU random features of a 20-dimensional input, as in a wide two-layer network "
            "with a frozen first layer (no theory curve here). The peak at p = n is there "
            "too, and the second descent goes lower than the first: the best model is the "
            "largest, p = 4n (test error 0.40).",
            family="relu",
        ),
        step(
            "double-descent",
            "Random Fourier features: the fit at p = n",
            "A 1-D input and random Fourier features. The right plot shows the fit at "
            "p = n = 40: it passes through every training point and swings wildly between "
            "them.",
            family="fourier",
            p_view=40,
        ),
        step(
            "double-descent",
            "Far past the threshold the fit calms down",
            "p = 160 = 4n: still through every noisy point, but tame: the swings of ±3000 at "
            "p = n are down to ±3 and this fit's test error from 46 000 to 0.73. Of all the "
            "interpolants the minimum-norm one is the least wild; more features (4n → 20n) "
            "change little.",
            family="fourier",
            p_view=160,
        ),
        step(
            "double-descent",
            "Below the threshold: the classical sweet spot",
            "p = 10 < n: a least-squares fit that does not pass through the points, smooth, "
            "with this fit's test error 0.055. Here the bottom of the first, classical U "
            "(best p ≈ 12) beats everything past the peak.",
            family="fourier",
            p_view=10,
        ),
    ],
)

LANGEVIN = (
    "Langevin dynamics and the Fokker–Planck equation (notes §9.1–9.2)",
    [
        step(
            "langevin",
            "Ornstein–Uhlenbeck: a particle in a harmonic well",
            "dX = −kX dt + σ dW (eq. 9.2 with V = kx²/2, k = 1, σ = 0.8). 50 000 particles "
            "start at x₀ = 2. PageDown plays: the mean decays as x₀·exp(−kt), the variance "
            "grows to σ²/2k = 0.32; the histogram follows p_t of the Fokker–Planck "
            "equation (eq. 9.4).",
            play=4.0,
            potential="harmonic",
            n=50_000,
            x0=2.0,
        ),
        step(
            "langevin",
            "Stationary: the Boltzmann density",
            "t = 5: p_t has stopped changing (the mean is down to 2·e⁻⁵ = 0.013). The "
            "stationary solution of eq. 9.4 is p_∞ ∝ exp(−2V/σ²), the Boltzmann density at "
            "kT = σ²/2 (dashed): mean 0, variance 0.32.",
            potential="harmonic",
            n=20_000,
            x0=2.0,
            time=5.0,
        ),
        step(
            "langevin",
            "A double well",
            "V = h(x² − 1)², barrier h = 1, σ = 0.8 (kT = 0.32). The particles start in "
            "the left well. PageDown plays until Space: they fill the left well at once and "
            "cross the barrier rarely, at Kramers' rate ∝ exp(−h/kT).",
            play=UNTIL_PAUSED,
            n=50_000,
        ),
        step(
            "langevin",
            "Hopping until both wells hold half",
            "σ = 1 (kT = 0.5), played five times faster (speed 5 t/s). PageDown plays 6 s, "
            "to t ≈ 30: crossings are now frequent, the right well fills until both hold "
            "about half (readout 'right well'), as the symmetric Boltzmann density says.",
            play=6.0,
            n=20_000,
            sigma=1.0,
            speed=5.0,
        ),
        step(
            "langevin",
            "A tilt breaks the symmetry",
            "V = (x² − 1)² + 0.5x, from a uniform start. PageDown plays: the population "
            "relaxes to the tilted Boltzmann density, most particles in the deeper left well.",
            play=UNTIL_PAUSED,
            n=50_000,
            potential="tilted",
            tilt=0.5,
            initial="uniform",
        ),
        step(
            "langevin",
            "σ → 0: transport, not diffusion",
            "σ = 0: the Fokker–Planck equation becomes the transport equation (eq. 9.8). "
            "PageDown plays: the density is carried by the flow −V′ into the two wells and "
            "piles up at x = ±1; nothing spreads, and there is no Boltzmann curve.",
            play=3.0,
            n=50_000,
            sigma=0.0,
            initial="gaussian",
            x0=0.0,
            spread=0.8,
        ),
        step(
            "langevin",
            "Inertia: underdamped Langevin",
            "m Ẍ = −V′ − γẊ + σξ (eq. 9.1 written correctly), γ = 0.5. The right plot is "
            "phase space (x, v): particles overshoot and spiral into the wells. The "
            "stationary density is the Boltzmann density at kT = σ²/(2γ).",
            play=UNTIL_PAUSED,
            n=20_000,
            inertia=True,
            gamma=0.5,
        ),
        step(
            "langevin",
            "Any potential, typed",
            "V(x) = x⁴/4 − x²/2 + 0.2 sin 5x typed as a formula; V′ is exact. The wiggles "
            "make three wells (x ≈ −1.3, −0.4, 0.96). PageDown plays 3 s: at t ≈ 3 only 23 % "
            "of the particles are right of 0, against 52 % in the Boltzmann density "
            "(dashed); histogram and p_t agree with each other, not yet with equilibrium.",
            play=3.0,
            n=20_000,
            potential="expression",
        ),
        step(
            "langevin",
            "Two dimensions",
            "A double well in x, harmonic in y: particles over the contour map of V(x, y), "
            "and their density on the right. PageDown plays.",
            play=UNTIL_PAUSED,
            dimension="2d",
            n=20_000,
        ),
        step(
            "transport",
            "Next: diffusion models run this backwards",
            "The noising process of a diffusion model is the Ornstein–Uhlenbeck process of "
            "the first step (constant β here): data are carried to N(0, 1). Generative "
            "models learn to run it backwards, from noise (τ = 0) to data (τ = 1).",
            schedule="constant",
            beta_max=2.0,
            tau=1.0,
        ),
    ],
)

TRANSPORT = (
    "From noise to data: diffusion and flow matching (notes §9.2–9.5)",
    [
        step(
            "langevin",
            "Noising is an Ornstein–Uhlenbeck process",
            "dX = −X dt + √2 dW: eq. 9.2 in a harmonic well (k = 1, σ = √2, kT = 1). "
            "PageDown plays: any start, here uniform, relaxes to N(0, 1). The forward "
            "process of a diffusion model does this to the data.",
            play=4.0,
            potential="harmonic",
            sigma=1.414,
            n=50_000,
            initial="uniform",
        ),
        step(
            "transport",
            "The data: a mixture of two Gaussians",
            "The target: 0.3 N(−2, 0.4²) + 0.7 N(1.5, 0.5²) (below, green). Because it is a "
            "Gaussian mixture, every marginal p_τ (the shaded map over τ and x: noise at "
            "τ = 0 on the left, data at τ = 1 on the right), its score ∇log p_τ and the "
            "velocity fields are known in closed form: no network is trained.",
            tau=1.0,
            show_particles=False,
            show_paths=False,
            show_field=False,
        ),
        step(
            "transport",
            "Three roads from noise to data",
            "τ = 0: all three samplers start from the same N(0, 1) draws. PageDown plays τ "
            "to 1: the reverse SDE jitters, the probability-flow ODE glides and splits late, "
            "flow matching bends gradually. All three end on the target (histograms below).",
            play=6.5,
            tau=0.0,
        ),
        step(
            "transport",
            "The reverse SDE: score-based diffusion",
            "dX = [−½βX − β∇log p] dτ + √β dW̄, the time reversal of the noising SDE "
            "(Anderson 1982; Song et al. 2021). Its particles follow the exact marginals p_τ "
            "(map) at every τ; arrows: its drift.",
            process="reverse_sde",
            tau=0.6,
        ),
        step(
            "transport",
            "The probability-flow ODE: the same marginals, no noise",
            "ẋ = −½β(x + ∇log p): deterministic paths (eq. 9.6) whose density obeys the "
            "transport equation 9.8 with the same p_τ as the SDE. Trajectories never cross.",
            process="probability_flow",
            tau=0.6,
        ),
        step(
            "transport",
            "Flow matching: the straight interpolant",
            "x_τ = (1 − τ)x₀ + τx₁ with x₀ ~ N(0, 1), x₁ ~ data, and the velocity "
            "v = E[x₁ − x₀ | x_τ = x] (Lipman et al. 2023). Its paths bend gradually over "
            "the whole run, where the probability flow's stay flat and split late (step 5).",
            process="flow_matching",
            tau=0.6,
        ),
        step(
            "transport",
            "Too few steps",
            "Four Euler steps: the SDE's particles scatter past the target, the probability "
            "flow leaves many between the modes, flow matching makes the modes too narrow. "
            "‖hist − p_τ‖ in the readouts says how far; raise 'steps' and it falls.",
            steps=4,
            tau=1.0,
        ),
        step(
            "transport",
            "Noise that never forgets the data",
            "Constant β = 2 (the OU process of step 1) has not forgotten the data by s = 1: "
            "the base mismatch α(1)² ≈ 0.14. Started from N(0, 1), the probability flow "
            "carries that error to the end; the reverse SDE's noise washes most of it out; "
            "flow matching starts exactly.",
            schedule="constant",
            beta_max=2.0,
            n=5000,
            tau=1.0,
        ),
        step(
            "transport",
            "Two dimensions: a ring of four",
            "A 2-D mixture of four Gaussians on a ring. PageDown plays τ from 0 to 1: "
            "particles with their recent tracks over the exact p_τ, arrows the velocity "
            "field (for the SDE, its drift).",
            play=6.5,
            dimension="2d",
            tau=0.0,
        ),
    ],
)

COMPLEXITY = (
    "The cost of linear algebra, measured (notes §1.3)",
    [
        step(
            "complexity",
            "Time against n, on a log-log plot",
            "Every operation of §1.3 timed on this machine for n up to 512, points appearing as "
            "they are measured. Each point is the median of 5 repeats, its bar from the fastest "
            "to the slowest. A power law n^k is a straight line of slope k: the legend gives "
            "each fitted slope beside the notes' exponent.",
        ),
        step(
            "complexity",
            "Exponents: the slope at large n",
            "The product, solve and det up to n = 2048, one BLAS thread. The slopes are fitted "
            "over the upper half of n; compare them with the guides n², n^2.81 and n³. BLAS "
            "multiplies the classical way (2n³ flops), not with Strassen's n^2.81; at small n, "
            "call overheads flatten every curve.",
            solve=True,
            svd=False,
            svd_wide=False,
            python=False,
            n_max=2048,
            budget=60.0,
        ),
        step(
            "complexity",
            "Constants matter: same exponent, 1000× apart",
            "The pure-Python triple loop does the product's 2n³ flops, like BLAS, and the tall "
            "n × 4n SVD costs tens of products: three lines of about the same slope, orders of "
            "magnitude apart. 'The time complexity doesn't translate to the actual run time' "
            "(§1.3): O(·) hides the constant. The readouts say how many times slower.",
            solve=False,
            svd=False,
            det=False,
        ),
        step(
            "complexity",
            "The SVD: O(mn²)",
            "The square SVD and the tall n × 4n one (m = 4n): both grow like n³ at large n, "
            "the tall one a few times slower. The product beside them is the yardstick.",
            solve=False,
            det=False,
            python=False,
        ),
        step(
            "complexity",
            "Threads: every core on the product",
            "BLAS on all cores (threads 0 = all): compare the product's GFLOP/s with the "
            "estimated peak in the lower plot, then set one thread — small n gain nothing from "
            "threads, large n gain up to the number of cores, a busy machine less.",
            solve=False,
            svd=False,
            svd_wide=False,
            det=False,
            python=False,
            n_max=2048,
            threads=0,
        ),
        step(
            "complexity",
            "Single precision: twice the rate",
            "float32: half the bytes, twice the numbers per vector instruction. The product "
            "runs at up to about twice the GFLOP/s of float64 (compare the rate with step 2's, "
            "float64 on one thread too), with the same exponent.",
            solve=False,
            svd=False,
            svd_wide=False,
            python=False,
            n_max=2048,
            dtype="float32",
        ),
    ],
)

LECTURES = {
    "01-svd": SVD,
    "02-posterior": POSTERIOR,
    "03-double-descent": DOUBLE_DESCENT,
    "04-langevin": LANGEVIN,
    "05-transport": TRANSPORT,
    "06-complexity": COMPLEXITY,
}


def make_step(spec: dict, tabs: dict) -> Step:
    """The step of ``spec``: the tab's defaults with the changes, and the posterior's points
    drawn by the tab from its seeded stream."""
    spec = dict(spec)
    name, title, note = spec.pop("tab"), spec.pop("title"), spec.pop("note")
    play, points = spec.pop("play"), spec.pop("points")
    state = {**SCHEMAS[name].defaults(), **spec}
    if points:
        if name not in tabs:
            tabs[name] = offscreen_tab(name, Style(), (1400, 860))
        tab = tabs[name]
        tab.restore(SCHEMAS[name].check(state), label=None)
        tab.add_generated(points)
        state = tab.state()
    return Step(name, SCHEMAS[name].check(state), title, note, play)


def main() -> None:
    app = create_application()  # noqa: F841  (kept alive while the tabs draw)
    tabs: dict = {}
    for stem, (title, specs) in LECTURES.items():
        deck = Deck(tuple(make_step(spec, tabs) for spec in specs), title)
        write_deck_file(HERE / f"{stem}.json", deck)
        print(f"{stem}.json: {len(deck)} steps")


if __name__ == "__main__":
    main()
