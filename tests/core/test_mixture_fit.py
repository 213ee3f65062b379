"""core.mixture_fit: a picture or a point cloud as the transport target, checked against the
rules' closed forms computed here (centres of mass, the law of total variance, the kernel
density estimate with the neighbour bandwidth)."""

import math

import numpy as np
import pytest
from scipy.special import logsumexp

from core import mixture_fit as mf


def disc(size=64, radius=20.0, dark_on_light=True):
    y, x = np.mgrid[0:size, 0:size]
    inside = (x - size / 2 + 0.5) ** 2 + (y - size / 2 + 0.5) ** 2 < radius**2
    return np.where(inside, 0.0, 255.0) if dark_on_light else np.where(inside, 255.0, 0.0)


def test_ink_is_what_differs_from_the_border():
    dark = mf.image_mass(disc(dark_on_light=True))
    light = mf.image_mass(disc(dark_on_light=False))
    assert np.array_equal(dark, light)  # the same disc either way
    assert dark[32, 32] == 1.0 and dark[0, 0] == 0.0
    alpha = np.full((64, 64), 0.5)
    assert np.array_equal(mf.image_mass(disc(), alpha), 0.5 * dark)


def test_a_small_picture_is_one_component_per_inked_pixel():
    grey = np.full((10, 14), 255.0)
    grey[2, 3], grey[7, 11], grey[5, 5] = 0.0, 127.5, 51.0
    mix = mf.mixture_from_image(mf.image_mass(grey), half_width=3.0, min_std=0.01)
    pixel = 6.0 / 14
    assert mix.k == 3 and mix.stds == pytest.approx([pixel / 2] * 3)
    expected = {  # (x, y) of the pixel centres, y up, the picture centred
        ((3.5 - 7) * pixel, (5 - 2.5) * pixel): 1.0,
        ((11.5 - 7) * pixel, (5 - 7.5) * pixel): 0.5,
        ((5.5 - 7) * pixel, (5 - 5.5) * pixel): 0.8,
    }
    for (x, y), weight in expected.items():
        i = int(np.argmin(np.hypot(mix.means[:, 0] - x, mix.means[:, 1] - y)))
        assert mix.means[i] == pytest.approx([x, y], abs=1e-12)
        assert mix.weights[i] == pytest.approx(weight / 2.3, rel=1e-12)


def test_cells_are_the_smallest_that_leave_at_most_256_occupied():
    mass = mf.image_mass(disc(size=96, radius=40.0))
    mix = mf.mixture_from_image(mass)

    def occupied(c):
        sums = [mass[i : i + c, j : j + c].sum() for i in range(0, 96, c) for j in range(0, 96, c)]
        return sum(s >= 1e-3 * max(sums) for s in sums)

    c = next(c for c in range(1, 97) if occupied(c) <= 256)
    assert occupied(c - 1) > 256 and mix.k == occupied(c)
    assert mix.stds == pytest.approx([0.5 * c * 6.0 / 96] * mix.k)


def test_the_mixture_mean_is_the_centre_of_mass():
    rng = np.random.default_rng(4)
    mass = rng.random((40, 70)) ** 6  # uneven, every pixel counts
    mix = mf.mixture_from_image(mass, half_width=2.0)
    i, j = np.indices(mass.shape)
    pixel = 4.0 / 70
    centre = (
        np.array([((j + 0.5 - 35) * mass).sum(), ((20 - i - 0.5) * mass).sum()])
        * pixel
        / mass.sum()
    )
    assert mix.k <= 256  # every cell of this uneven mass is occupied: all mass is kept
    assert mix.mean() == pytest.approx(centre, abs=1e-12)


def box(points, half_width):
    """The points moved and scaled (one factor) into [−h, h]^d, computed here."""
    low, high = points.min(axis=0), points.max(axis=0)
    return (points - (low + high) / 2) * (half_width / (np.max(high - low) / 2))


def nearest_distances(points):
    """Each point's distance to its nearest other point, by brute force."""
    return [
        min(np.linalg.norm(p - q) for j, q in enumerate(points) if j != i)
        for i, p in enumerate(points)
    ]


def test_a_few_points_are_their_kernel_density_estimate():
    rng = np.random.default_rng(7)
    points = rng.normal([300.0, -20.0], [40.0, 10.0], size=(50, 2))
    mix = mf.mixture_from_points(points, half_width=3.0, min_std=1e-6)
    x = box(points, 3.0)
    h = 0.5 * np.median(nearest_distances(x))
    assert mix.k == 50 and mix.stds == pytest.approx([h] * 50, rel=1e-12)
    probe = rng.uniform(-3, 3, size=(20, 2))
    squared = ((probe[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
    kde = logsumexp(-squared / (2 * h * h), axis=1) - math.log(50 * 2 * math.pi * h * h)
    assert mix.log_pdf(probe) == pytest.approx(kde, rel=1e-10, abs=1e-10)


@pytest.mark.parametrize("d", [1, 2])
def test_clusters_keep_the_mean_and_the_total_variance(d):
    rng = np.random.default_rng(11)
    t = rng.uniform(0, 2 * np.pi, 3000)
    ring = np.column_stack([np.cos(t), np.sin(t)]) * 5 + rng.normal(0, 0.4, (3000, 2))
    points = ring[:, :d]
    mix = mf.mixture_from_points(points, half_width=3.0, min_std=1e-9, max_std=1e9)
    assert mix.k == 256 and mix.dim == d
    x = box(points, 3.0)
    h = 0.5 * np.median(nearest_distances(mix.means))
    assert mix.mean() == pytest.approx(x.mean(axis=0), abs=1e-12)
    total = np.trace(np.atleast_2d(np.cov(x.T, bias=True)))
    assert np.trace(mix.cov()) == pytest.approx(total + d * h * h, rel=1e-10)


def test_same_seed_same_target_and_large_clouds_are_thinned():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(30_000, 2))
    first = mf.mixture_from_points(points, seed=5, max_points=2000)
    assert first == mf.mixture_from_points(points, seed=5, max_points=2000)
    assert first != mf.mixture_from_points(points, seed=6, max_points=2000)
    assert first.k == 256 and np.all(first.means <= 3.0 + 1e-12)


def test_one_point_and_identical_points():
    one = mf.mixture_from_points([[5.0, 5.0]])
    assert one.k == 1 and one.means.tolist() == [[0.0, 0.0]] and one.stds[0] == 0.05
    same = mf.mixture_from_points(np.full((500, 1), 2.0))
    assert same.means.ravel().tolist() == [0.0] and same.stds[0] == 0.05
