"""Tests for core.densities: histograms against numpy's own and against known densities,
total-variation distances computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.densities import bin_average, binned_distance, histogram, histogram_2d, total_variation


def test_histogram_matches_numpy_and_counts_outside_samples_in_the_total() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=100_000)
    edges = np.linspace(-6, 6, 61)
    ref, _ = np.histogram(x, edges, density=True)
    np.testing.assert_allclose(histogram(x, edges), ref, rtol=1e-12, atol=1e-15)
    uneven = np.array([-3.0, -1.0, -0.2, 0.0, 0.5, 2.0, 3.0])
    ref_counts, _ = np.histogram(x, uneven)
    np.testing.assert_allclose(histogram(x, uneven) * x.size * np.diff(uneven), ref_counts)
    narrow = np.linspace(-1, 1, 11)
    dens = histogram(np.concatenate([x, [np.nan, np.inf, -np.inf]]), narrow)
    inside = np.count_nonzero(np.abs(x) < 1)
    assert math.isclose(np.sum(dens * np.diff(narrow)), inside / (x.size + 3))
    with pytest.raises(ValueError, match="edges"):
        histogram(x, [1.0])


def test_histogram_counted_in_many_chunks_equals_numpy() -> None:
    x = np.random.default_rng(1).uniform(-1.0, 1.0, size=5 * (1 << 14) + 17)  # 6 chunks
    edges = np.linspace(-1.0, 1.0, 41)
    counts, _ = np.histogram(x, edges)
    assert np.array_equal(np.rint(histogram(x, edges) * x.size * 0.05).astype(int), counts)


def test_histogram_2d_estimates_a_known_density() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform([-1.0, 0.0], [1.0, 2.0], size=(200_000, 2))  # density 1/4 on the box
    edges_x, edges_y = np.linspace(-1, 1, 11), np.linspace(0, 2, 6)
    h = histogram_2d(xy, edges_x, edges_y)
    assert h.shape == (5, 10)
    assert np.allclose(h, 0.25, rtol=0.05)
    assert histogram_2d(np.zeros((0, 2)), edges_x, edges_y).sum() == 0
    with pytest.raises(ValueError, match="x_edges"):
        histogram_2d(xy, [-1.0, 0.0, 2.0], edges_y)  # the cells must be equal


def test_total_variation_and_bin_average() -> None:
    assert total_variation([1.0, 0.0], [0.0, 1.0], 1.0) == 1.0  # disjoint
    assert total_variation([0.5, 0.5], [0.5, 0.5], 1.0) == 0.0
    # ½ (|0.2 − 0.6| + |0.8 − 0.4|) · 0.5 = 0.2
    assert total_variation([0.2, 0.8], [0.6, 0.4], 0.5) == pytest.approx(0.2)
    assert np.allclose(bin_average([1, 3, 5, 7], 2), [2, 6])
    with pytest.raises(ValueError, match="divisible"):
        bin_average([1, 2, 3], 2)


def test_binned_distance_of_a_histogram_against_itself_is_zero() -> None:
    h = np.array([0.0, 0.25, 0.5, 0.25]) / 0.5  # 4 bins of width 0.5, unit mass
    fine = np.repeat(h, 5)  # the same density on 5 cells per bin
    assert binned_distance(h, fine, 0.5) == 0.0


def test_binned_distance_against_a_shifted_histogram_by_hand() -> None:
    h = np.array([0.0, 0.5, 1.0, 0.5])  # width 0.5: masses 0, 0.25, 0.5, 0.25
    shifted = np.array([0.5, 1.0, 0.5, 0.0])  # one bin to the left
    # bin masses 0, 0.25, 0.5, 0.25 against 0.25, 0.5, 0.25, 0: 0.25 apart in every bin
    assert binned_distance(h, np.repeat(shifted, 3), 0.5) == pytest.approx(0.5 * 4 * 0.25)
    # a cell-level shift inside the bins that keeps every bin's average changes nothing
    wiggle = np.repeat(h, 2) + np.tile([0.1, -0.1], 4)
    assert binned_distance(h, wiggle, 0.5) == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError, match="density"):
        binned_distance(h, np.ones(6), 0.5)  # 6 cells for 4 bins
