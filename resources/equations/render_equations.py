"""Render the app's equations to SVG (developer script, not imported by the app).

Usage:  python resources/equations/render_equations.py

Requires matplotlib. Writes ``<name>.svg`` next to this script for every entry
in ``EQUATIONS``. Glyphs are emitted as paths (``svg.fonttype = "path"``), the
text colour is pure black ``#000000`` (the app recolours SVGs for dark themes
by replacing that string) and the date metadata is stripped so re-running the
script is reproducible.

Convention note: the notes (§1.1) order singular values ascending; the
Eckart–Young formulas below use the usual descending order
sigma_1 >= sigma_2 >= ... (A_k keeps the k largest singular values).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent
FONTSIZE = 16
COLOR = "#000000"

EQUATIONS: dict[str, str] = {
    # eq. 1.2: singular values are square roots of the eigenvalues of A^T A
    "svd_eq_1_2": r"$\sigma_i = \sqrt{\lambda_i(A^{\mathsf{T}}A)}$",
    # eq. 1.3: the singular value decomposition
    "svd_eq_1_3": r"$A = U\,\Sigma\,V^{\mathsf{T}}$",
    # best rank-k approximation (truncated SVD, sigma_1 >= sigma_2 >= ...)
    "svd_low_rank": r"$A_k = \sum_{i=1}^{k} \,\sigma_i\, u_i v_i^{\mathsf{T}}$",
    # Eckart–Young theorem (Frobenius norm)
    "svd_eckart_young": (
        r"$\min_{\mathrm{rank}\,B\leq k}\|A-B\|_F = \|A-A_k\|_F"
        r" = \sqrt{\sum_{i>k}\,\sigma_i^2}$"
    ),
    # eq. 4.14: maximum likelihood = weighted least squares (Sigma = diag(sigma_i^2), eq. 4.10)
    "reg_eq_4_14": (
        r"$\hat\beta_{\mathrm{MLE}} = (\Phi^{\mathsf{T}}\Sigma^{-1}\Phi)^{-1}"
        r"\Phi^{\mathsf{T}}\Sigma^{-1}y$"
    ),
    # eq. 3.13, written correctly: minus the log posterior is the ridge loss
    "reg_eq_3_13": (
        r"$-\log p(\beta|y) = \frac{1}{2\sigma^2}\sum_i (y_i-\phi_i^{\mathsf{T}}\beta)^2"
        r" + \frac{\lambda}{2}\|\beta\|^2 + \mathrm{const}$"
    ),
    # eq. 4.16 with the prior of eq. 3.12: the conjugate Gaussian posterior
    "reg_posterior": (
        r"$p(\beta|y) = \mathcal{N}(\mu, S),\;"
        r"S = (\lambda I + \Phi^{\mathsf{T}}\Sigma^{-1}\Phi)^{-1},\;"
        r"\mu = S\,\Phi^{\mathsf{T}}\Sigma^{-1}y$"
    ),
    # posterior predictive, noise included
    "reg_predictive": (
        r"$p(y_*|x_*) = \mathcal{N}(\phi_*^{\mathsf{T}}\mu,\;"
        r"\sigma^2 + \phi_*^{\mathsf{T}} S\, \phi_*)$"
    ),
    # the evidence (marginal likelihood), eq. 3.9's denominator
    "reg_evidence": (
        r"$\log p(y) = \log\mathcal{N}(y\,|\,0,\;\Sigma + \lambda^{-1}\Phi\Phi^{\mathsf{T}})$"
    ),
    # §5: the minimum-norm interpolant (ridgeless limit) and ridge
    "dd_min_norm": (r"$\hat\beta = \Phi^{+}y = \mathrm{arg\,min}\,\{\|\beta\| : \Phi\beta = y\}$"),
    "dd_ridge": (
        r"$\hat\beta_\lambda = \mathrm{arg\,min}_\beta\,\|y-\Phi\beta\|^2"
        r" + \lambda\|\beta\|^2$"
    ),
    # Hastie, Montanari, Rosset & Tibshirani (2019), Thm 1: isotropic ridgeless risk, γ = p/n
    "dd_risk_under": r"$\gamma < 1:\quad R = \sigma^2\,\frac{\gamma}{1-\gamma}$",
    "dd_risk_over": (
        r"$\gamma > 1:\quad R = r^2\left(1-\frac{1}{\gamma}\right)"
        r" + \frac{\sigma^2}{\gamma-1}$"
    ),
    # eq. 9.1 written correctly: force −∇V, friction −γẊ, noise σξ
    "lv_eq_9_1": r"$m\ddot X_t = -\nabla V(X_t) - \gamma\dot X_t + \sigma\,\xi_t$",
    # eq. 9.2 with μ = −V′ (overdamped limit)
    "lv_eq_9_2": r"$dX_t = -V\,'(X_t)\,dt + \sigma\,dW_t$",
    # eq. 9.4 for this drift and constant σ
    "lv_eq_9_4": (
        r"$\partial_t p_t = \partial_x\left(V\,'\,p_t\right)"
        r" + \frac{\sigma^2}{2}\,\partial_x^2 p_t$"
    ),
    # its stationary state
    "lv_boltzmann": r"$p_\infty(x) = \frac{1}{Z}\,e^{-2V(x)/\sigma^2}$",
    # eq. 9.8, the σ → 0 limit (μ evaluated at x, not X_t)
    "lv_eq_9_8": r"$\partial_t p_t = -\partial_x\left(\mu\,p_t\right),\quad \mu = -V\,'$",
    # §9.3: the variance-preserving noising SDE (Song et al. 2021, eq. 11) = eq. 9.2 with
    # μ = −βx/2, σ = √β; diffusion time s = 1 − τ
    "tr_forward": r"$dX_s = -\frac{1}{2}\beta(s)\,X_s\,ds + \sqrt{\beta(s)}\,dW_s$",
    # its exact marginal for a Gaussian-mixture target
    "tr_marginal": (
        r"$p_s = \sum_k w_k\,\mathcal{N}\!\left(\alpha_s m_k,\;\alpha_s^2 S_k"
        r" + (1-\alpha_s^2)\,I\right),\quad \alpha_s = e^{-\frac{1}{2}\int_0^s\beta}$"
    ),
    # the reverse-time SDE (Anderson 1982; Song et al. eq. 6), run forward in τ = 1 − s
    "tr_reverse": (
        r"$dX_\tau = \beta\left[\frac{1}{2}X_\tau + \nabla\log p_s(X_\tau)\right]d\tau"
        r" + \sqrt{\beta}\,d\bar W_\tau$"
    ),
    # the probability-flow ODE (Song et al. eq. 13): eq. 9.6 with the same marginals
    "tr_flow": (
        r"$\frac{dX_\tau}{d\tau} = \frac{\beta}{2}\left[X_\tau"
        r" + \nabla\log p_s(X_\tau)\right]$"
    ),
    # §9.4–9.5: the linear interpolant and its velocity (flow matching)
    "tr_interpolant": (
        r"$x_\tau = (1-\tau)\,x_0 + \tau\,x_1,\quad"
        r" v(\tau, x) = \mathbb{E}\left[x_1 - x_0 \mid x_\tau = x\right]$"
    ),
    # eq. 9.8 for either ODE
    "tr_continuity": r"$\partial_\tau p_\tau = -\nabla\cdot\left(v\,p_\tau\right)$",
    # §1.3: a cost O(n^p) is a straight line of slope p on log-log axes, at large n
    "cx_power_law": r"$t(n) \approx c\,n^{p}\quad\Leftrightarrow\quad \log t = \log c + p\,\log n$",
    # §1.3's O(n^2.8): Strassen's recursion, seven half-size products instead of eight
    "cx_strassen": r"$T(n) = 7\,T(n/2) + O(n^2)\;\Rightarrow\; T = O(n^{\log_2 7}) = O(n^{2.81})$",
    # the classical product, as BLAS and the triple loop compute it
    "cx_classical": r"$C_{ij} = \sum_{k=1}^{n} A_{ik}B_{kj}:\quad 2n^3\ \mathrm{flops}$",
    # the SVD of an n x m matrix, n <= m (§1.3)
    "cx_svd": r"$\mathrm{SVD}\ \mathrm{of}\ n\times m,\ n\leq m:\quad O(mn^2)$",
}

# equation numbers as in the notes, set at the right of the equation
NUMBERS = {
    "svd_eq_1_2": "1.2",
    "svd_eq_1_3": "1.3",
    "reg_eq_3_13": "3.13",
    "reg_eq_4_14": "4.14",
    "reg_posterior": "4.16",
    "lv_eq_9_1": "9.1",
    "lv_eq_9_2": "9.2",
    "lv_eq_9_4": "9.4",
    "lv_eq_9_8": "9.8",
    "tr_continuity": "9.8",
}

RC = {
    "svg.fonttype": "path",
    "svg.hashsalt": "mlphys",  # deterministic clip-path / glyph ids
    "mathtext.fontset": "cm",
    "font.family": "serif",
    "font.serif": ["cmr10", "DejaVu Serif"],
    "axes.unicode_minus": False,
    "text.color": COLOR,
}

# Any hard-coded colour in the SVG; only #000000 is allowed.
_COLOR_RE = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgb\(")


def render(name: str, tex: str, out_dir: Path = OUT_DIR) -> Path:
    path = out_dir / f"{name}.svg"
    if name in NUMBERS:
        tex = tex[:-1] + rf"\qquad\mathrm{{({NUMBERS[name]})}}$"
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(1, 1))
        fig.patch.set_alpha(0.0)
        fig.text(0, 0, tex, fontsize=FONTSIZE, color=COLOR)
        fig.savefig(
            path,
            format="svg",
            transparent=True,
            bbox_inches="tight",
            pad_inches=0.02,
            metadata={"Date": None},
        )
    _make_fill_explicit(path)
    check(path)
    return path


def _make_fill_explicit(path: Path) -> None:
    """Give every text group an explicit ``fill="#000000"``.

    Matplotlib omits the fill for black text (SVG's default fill is black), but
    the app recolours equations by replacing the literal string ``#000000``, so
    the colour must be spelled out. Glyph ``<path>``/``<use>`` elements and the
    fraction/root rules inherit it from the group.
    """
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r'<g id="(text_\d+)">', rf'<g id="\1" fill="{COLOR}">', text)
    if n == 0:
        raise ValueError(f"{path.name}: no text group found")
    path.write_text(text, encoding="utf-8")


def check(path: Path) -> None:
    """Fail if the SVG contains any hard-coded colour other than #000000."""
    text = path.read_text(encoding="utf-8")
    bad = {m for m in _COLOR_RE.findall(text) if m.lower() != COLOR}
    if bad:
        raise ValueError(f"{path.name}: unexpected colours {sorted(bad)}")
    if COLOR not in text:
        raise ValueError(f"{path.name}: no {COLOR} fill found")


def main(argv: list[str]) -> int:
    names = argv or list(EQUATIONS)
    for name in names:
        path = render(name, EQUATIONS[name])
        print(f"{path.relative_to(OUT_DIR.parent.parent)}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
