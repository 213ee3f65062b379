"""A shape of the user's choosing as a Gaussian mixture: the target the transport samplers
generate (notes §9.2–9.5; core.transport).

The samplers' fields stay exact only for a Gaussian mixture, so a picture or a point cloud is
turned into one of at most ``max_components`` (256) isotropic components by the rules below;
every sampler then carries N(0, I) to *that* mixture exactly. Both rules place the shape in
the square [−h, h]² (h = ``half_width``, 3 in the app; one scale for both axes, centred).

Pictures (:func:`image_mass`, :func:`mixture_from_image`)
    The mass of a pixel is its ink times its opacity: dark ink on a light background, or light
    ink on a dark one (whichever the border of the picture is not). The picture is cut into
    square cells of c × c pixels, c the smallest whole number for which at most
    ``max_components`` cells hold mass ("occupied": at least ``1e-3`` of the fullest cell's).
    Each occupied cell is one component: its weight the cell's mass, its mean the cell's
    centre of mass, its standard deviation half the cell's side (a flat region is then
    reproduced to within 1.4 %: neighbouring components overlap, ripple 2·exp(−2π²σ²/Δ²)).
    Closed form: the mixture's mean is the centre of mass of the occupied cells.

Point clouds (:func:`mixture_from_points`)
    k-means (Lloyd's iterations from a k-means++ start, seeded) into K = min(``max_components``,
    n) clusters of the points (at most ``max_points`` of them: a larger cloud is thinned to a
    seeded subsample first). Each cluster is one component: its weight its share of the points,
    its mean its centroid, its variance the cluster's mean squared distance to the centroid per
    dimension plus h², where the bandwidth h is half the median distance from a centroid to
    the nearest other one, so that neighbouring components overlap as the cells of a picture do
    (:func:`neighbour_bandwidth`). For n ≤ K every point is its own cluster and the mixture is
    exactly the Gaussian kernel density estimate of the points with bandwidth h. Closed forms
    (law of total variance): the mixture's mean is the points' mean, and the trace of its
    covariance is the points' total variance plus d·h² (standard deviations are kept within
    [``min_std``, ``max_std``], which moves it only by what those limits clip).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.checks import array as _array
from core.checks import count as _count
from core.checks import real as _real
from core.checks import seed as _seed
from core.transport import GaussianMixture

__all__ = [
    "MAX_COMPONENTS",
    "OCCUPIED",
    "image_mass",
    "mixture_from_image",
    "mixture_from_points",
    "neighbour_bandwidth",
]

FloatArray = NDArray[np.float64]

#: Components of a fitted target (the samplers' cost grows with it).
MAX_COMPONENTS = 256
#: A cell of a picture holds mass when it has at least this fraction of the fullest cell's.
OCCUPIED = 1e-3
#: Lloyd iterations of k-means at most (it stops earlier once no point changes cluster).
KMEANS_ITERATIONS = 60


def image_mass(grey: ArrayLike, alpha: ArrayLike | None = None) -> FloatArray:
    """The mass of each pixel of a picture: its ink (0 to 1) times its opacity.

    Ink is darkness ``(255 − grey)/255`` when the picture's border (its outermost pixels,
    weighted by opacity) is lighter than mid-grey, else brightness ``grey/255``: a drawing is
    dark on white, a photograph of stars light on black.

    Parameters
    ----------
    grey : array (m, n)
        Grey levels in [0, 255].
    alpha : array (m, n), optional
        Opacity in [0, 1] (default: opaque).

    Returns
    -------
    ndarray (m, n), values in [0, 1]
    """
    g = _array(grey, "grey", ndim=2, min_size=1)
    if np.any(g < 0) or np.any(g > 255):
        raise ValueError("grey: levels must be in [0, 255]")
    a = np.ones_like(g) if alpha is None else _array(alpha, "alpha", ndim=2)
    if a.shape != g.shape:
        raise ValueError(f"alpha must have the shape of grey {g.shape}, got {a.shape}")
    if np.any(a < 0) or np.any(a > 1):
        raise ValueError("alpha: opacities must be in [0, 1]")
    border = np.ones_like(g, dtype=bool)
    border[1:-1, 1:-1] = False
    weight = a[border].sum()
    light_border = weight == 0 or (g[border] * a[border]).sum() / weight > 127.5
    ink = (255.0 - g) / 255.0 if light_border else g / 255.0
    return ink * a


def _cell_sums(values: FloatArray, c: int) -> FloatArray:
    """Sums of ``values`` (m, n) over square cells of c × c pixels (zero-padded)."""
    m, n = values.shape
    rows, cols = -(-m // c), -(-n // c)
    padded = np.zeros((rows * c, cols * c))
    padded[:m, :n] = values
    return padded.reshape(rows, c, cols, c).sum(axis=(1, 3))


def mixture_from_image(
    mass: ArrayLike,
    half_width: float = 3.0,
    max_components: int = MAX_COMPONENTS,
    min_std: float = 0.05,
) -> GaussianMixture:
    """A 2-D Gaussian mixture with the shape of a picture (the rule in the module docstring).

    Parameters
    ----------
    mass : array (m, n)
        Non-negative mass per pixel (:func:`image_mass`), row 0 at the top; not all zero.
    half_width : float
        The picture is scaled (aspect kept) and centred into [−h, h]², y pointing up.
    max_components : int
        At most this many components, in [1, 4096].
    min_std : float
        Standard deviations are at least this (> 0).

    Returns
    -------
    GaussianMixture
        Isotropic components; ``mean()`` is the centre of mass of the occupied cells.
    """
    M = _array(mass, "mass", ndim=2, min_size=1)
    if np.any(M < 0) or not M.max() > 0:
        raise ValueError("mass must be ≥ 0 everywhere and positive somewhere")
    h = _real(half_width, "half_width", lo=0.0, lo_open=True)
    k_max = _count(max_components, "max_components", 1, 4096)
    min_std = _real(min_std, "min_std", lo=0.0, lo_open=True)
    m, n = M.shape
    pixel = 2.0 * h / max(m, n)
    for c in range(1, max(m, n) + 1):
        total = _cell_sums(M, c)
        occupied = total >= OCCUPIED * total.max()
        if np.count_nonzero(occupied) <= k_max:
            break
    i, j = np.indices(M.shape)
    weights = total[occupied]
    rows = _cell_sums(M * i, c)[occupied] / weights + 0.5  # centre of mass (pixel centres)
    cols = _cell_sums(M * j, c)[occupied] / weights + 0.5
    means = np.column_stack([(cols - n / 2) * pixel, (m / 2 - rows) * pixel])
    std = max(0.5 * c * pixel, min_std)
    return GaussianMixture.isotropic(weights, means, std)


def neighbour_bandwidth(centres: ArrayLike) -> float:
    """Half the median distance from each centre to the nearest other one (0 for one centre):
    the kernel width at which neighbouring components just merge."""
    c = _array(centres, "centres", ndim=2, min_size=1)
    if len(c) < 2:
        return 0.0
    distance = np.sqrt(np.sum((c[:, None, :] - c[None, :, :]) ** 2, axis=2))
    np.fill_diagonal(distance, np.inf)
    return 0.5 * float(np.median(distance.min(axis=1)))


def _kmeans_start(x: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    """k-means++: each new centre drawn with probability ∝ squared distance to the nearest."""
    centres = np.empty((k, x.shape[1]))
    centres[0] = x[rng.integers(len(x))]
    nearest = np.sum((x - centres[0]) ** 2, axis=1)
    for i in range(1, k):
        total = nearest.sum()
        index = rng.choice(len(x), p=nearest / total) if total > 0 else rng.integers(len(x))
        centres[i] = x[index]
        np.minimum(nearest, np.sum((x - centres[i]) ** 2, axis=1), out=nearest)
    return centres


def _cluster_sums(x: FloatArray, labels: np.ndarray, k: int) -> FloatArray:
    """Σ of the points of each cluster, (k, d)."""
    return np.column_stack([np.bincount(labels, x[:, i], minlength=k) for i in range(x.shape[1])])


def _kmeans(x: FloatArray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Cluster labels of Lloyd's k-means from a k-means++ start (empty clusters stay empty)."""
    centres = _kmeans_start(x, k, rng)
    labels = np.full(len(x), -1)
    for _ in range(KMEANS_ITERATIONS):
        # the nearest centre minimises ‖c‖² − 2x·c (‖x‖², the same for every c, left out)
        new = np.argmin(x @ (-2.0 * centres.T) + np.sum(centres**2, axis=1), axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        sums = _cluster_sums(x, labels, k)
        filled = counts > 0
        centres[filled] = sums[filled] / counts[filled, None]
    return labels


def mixture_from_points(
    points: ArrayLike,
    half_width: float = 3.0,
    max_components: int = MAX_COMPONENTS,
    max_points: int = 10_000,
    seed: int = 0,
    min_std: float = 0.05,
    max_std: float = 3.0,
) -> GaussianMixture:
    """A Gaussian mixture with the shape of a point cloud (the rule in the module docstring).

    Parameters
    ----------
    points : array (n, d), d = 1 or 2, n ≥ 1
        Finite points, in any units: moved and scaled (one factor for every axis) so that
        their bounding box is centred in [−h, h]^d and just fits it.
    half_width : float
        h, > 0.
    max_components : int
        At most this many components (clusters), in [1, 4096].
    max_points : int
        A larger cloud is thinned to a seeded subsample of this many, in [1, 10⁶].
    seed : int
        For the subsample and the k-means++ start: same seed, same mixture.
    min_std, max_std : float
        The components' standard deviations are kept in [min_std, max_std].

    Returns
    -------
    GaussianMixture
        Isotropic components; ``mean()`` is the (scaled) points' mean.
    """
    x = _array(points, "points", ndim=2, min_size=1)
    if x.shape[1] not in (1, 2):
        raise ValueError(f"points must have 1 or 2 columns (x, or x and y), got {x.shape}")
    h = _real(half_width, "half_width", lo=0.0, lo_open=True)
    k_max = _count(max_components, "max_components", 1, 4096)
    max_points = _count(max_points, "max_points", 1, 10**6)
    rng = np.random.default_rng(_seed(seed))
    min_std = _real(min_std, "min_std", lo=0.0, lo_open=True)
    max_std = _real(max_std, "max_std", lo=min_std)
    if len(x) > max_points:
        x = x[np.sort(rng.choice(len(x), max_points, replace=False))]
    low, high = x.min(axis=0), x.max(axis=0)
    reach = float(np.max(high - low)) / 2.0
    x = (x - (low + high) / 2.0) * (h / reach if reach > 0 else 1.0)
    n, d = x.shape
    k = min(k_max, n)
    labels = np.arange(n) if k == n else _kmeans(x, k, rng)
    counts = np.bincount(labels, minlength=k).astype(float)
    filled = counts > 0
    centroids = _cluster_sums(x, labels, k) / np.maximum(counts, 1.0)[:, None]
    squared = np.sum((x - centroids[labels]) ** 2, axis=1)
    within = np.bincount(labels, squared, minlength=k)[filled] / counts[filled] / d
    centres = centroids[filled]
    stds = np.sqrt(within + neighbour_bandwidth(centres) ** 2)
    return GaussianMixture.isotropic(counts[filled], centres, np.clip(stds, min_std, max_std))
