"""PET model: adjointness, MLEM count conservation, flat uniform reconstruction, recovery trends."""

import os

import numpy as np
import pytest

from compendium.phantoms import PETSystem, iec_body_phantom, mlem, poisson_counts, recovery_coefficients


@pytest.fixture(scope="module")
def iec():
    return iec_body_phantom((64, 64), pixel_mm=5.0)


@pytest.mark.parametrize("fwhm_mm", [0.0, 8.0])
def test_forward_and_back_are_an_exact_adjoint_pair(iec, fwhm_mm):
    """<A x, y> = <x, A^T y> to 1e-5 relative, with PSF and attenuation, for random x, y."""
    system = PETSystem(iec.shape, iec.pixel_mm, n_angles=48, fwhm_mm=fwhm_mm, attenuation=iec.mu)
    rng = np.random.default_rng(3)
    x, y = rng.random(iec.shape), rng.random(system.sinogram_shape)
    lhs = np.vdot(system.forward(x).astype(float), y)
    rhs = np.vdot(x, system.back(y).astype(float))
    assert abs(lhs - rhs) / abs(lhs) < 1e-5


def test_line_integrals_have_the_units_of_length():
    """An all-ones image: each projection sums to n_pixels x pixel_mm (area / bin width), hand-checked."""
    system = PETSystem((32, 32), 2.0, n_angles=12, fwhm_mm=0.0)
    sinogram = system.forward(np.ones((32, 32)))
    np.testing.assert_allclose(sinogram.sum(axis=1), 32 * 32 * 2.0, rtol=1e-5)


def test_attenuation_multiplies_each_line_by_exp_minus_line_integral():
    """Uniform mu = 0.01/mm over 32 pixels of 2 mm: the central horizontal ray is attenuated by e^-0.64."""
    mu = np.full((32, 32), 0.01)
    plain = PETSystem((32, 32), 2.0, n_angles=4, fwhm_mm=0.0)
    attenuated = PETSystem((32, 32), 2.0, n_angles=4, fwhm_mm=0.0, attenuation=mu)
    image = np.ones((32, 32))
    centre_bin = plain.n_bins // 2
    ratio = attenuated.forward(image)[0, centre_bin] / plain.forward(image)[0, centre_bin]
    assert ratio == pytest.approx(np.exp(-0.01 * 64.0), rel=1e-4)


def test_mlem_conserves_counts_every_iteration(iec):
    """Without background, sum(A x_k) = sum(y) after every full MLEM iteration (Shepp & Vardi 1982)."""
    system = PETSystem(iec.shape, iec.pixel_mm, n_angles=48, fwhm_mm=8.0, attenuation=iec.mu)
    counts = poisson_counts(system.forward(iec.activity) * 50, seed=1)
    for n_iter in (1, 3, 7):
        image = mlem(system, counts, n_iter)
        assert system.forward(image).sum() == pytest.approx(counts.sum(), rel=1e-4)


def test_uniform_disc_reconstructs_flat():
    """Noise-free data of a uniform phantom: interior within 1 % of the truth after 50 MLEM iterations."""
    flat = iec_body_phantom((64, 64), pixel_mm=5.0, sphere_to_background=1.0, lung_insert=False)
    system = PETSystem(flat.shape, flat.pixel_mm, n_angles=60, fwhm_mm=0.0, attenuation=flat.mu)
    image = mlem(system, system.forward(flat.activity), 50)
    interior = image[flat.masks["background"]]
    assert interior.mean() == pytest.approx(1.0, abs=0.005)
    assert interior.std() / interior.mean() < 0.01
    assert np.abs(interior - 1).max() < 0.05


def test_osem_with_one_subset_is_mlem_and_background_is_modelled(iec):
    """n_subsets=1 is plain MLEM; a known additive background does not bias the background level."""
    system = PETSystem(iec.shape, iec.pixel_mm, n_angles=48, fwhm_mm=0.0)
    y = system.forward(iec.activity)
    np.testing.assert_allclose(mlem(system, y, 4, n_subsets=1), mlem(system, y, 4), rtol=1e-6)
    background = np.full(system.sinogram_shape, y.mean())
    image = mlem(system, y + background, 30, n_subsets=6, background=background)
    assert image[iec.masks["background"]].mean() == pytest.approx(1.0, abs=0.02)


def test_recovery_rises_with_sphere_size_and_iterations():
    """Noise-free IEC data with an 8 mm PSF: mean recovery increases with diameter and with iterations."""
    phantom = iec_body_phantom((128, 128))
    system = PETSystem(phantom.shape, phantom.pixel_mm, n_angles=90, fwhm_mm=8.0, attenuation=phantom.mu)
    y = system.forward(phantom.activity)
    by_iterations = []
    for n_iter in (2, 5, 15):
        rc = recovery_coefficients(mlem(system, y, n_iter, n_subsets=3), phantom)
        means = [rc[name].mean for name in sorted(rc, key=lambda n: rc[n].diameter_mm)]
        assert np.all(np.diff(means) > 0), means
        by_iterations.append(means)
    assert np.all(np.diff(np.array(by_iterations), axis=0) > 0)


def test_system_matrix_is_cached_per_geometry():
    """A second system on the same grid reuses the matrix (set-up time 0)."""
    first = PETSystem((40, 40), 3.0, n_angles=30, fwhm_mm=0.0)
    second = PETSystem((40, 40), 3.0, n_angles=30, fwhm_mm=5.0, attenuation=np.zeros((40, 40)))
    assert first.setup_seconds > 0 and second.setup_seconds == 0.0
    assert first.nnz == second.nnz == 2 * 30 * 40 * 40


def test_circle_drops_corner_pixels():
    """With circle=True the corners are invisible: forward ignores them and back returns 0 there."""
    system = PETSystem((32, 32), 2.0, n_angles=20, fwhm_mm=0.0, circle=True)
    corner = np.zeros((32, 32))
    corner[0, 0] = 1.0
    assert system.forward(corner).sum() == 0.0
    assert system.back(np.ones(system.sinogram_shape))[0, 0] == 0.0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"image_shape": (4, 64)}, "image_shape"),
        ({"pixel_mm": 0}, "pixel_mm"),
        ({"n_angles": 0}, "n_angles"),
        ({"fwhm_mm": -1}, "fwhm_mm"),
        ({"attenuation": np.zeros((3, 3))}, "attenuation"),
        ({"attenuation": -np.ones((64, 64))}, "attenuation"),
    ],
)
def test_invalid_geometry_raises_naming_the_argument(kwargs, name):
    arguments = {"image_shape": (64, 64), "pixel_mm": 5.0} | kwargs
    with pytest.raises(ValueError, match=name):
        PETSystem(**arguments)


def test_invalid_mlem_arguments_raise(iec):
    system = PETSystem(iec.shape, iec.pixel_mm, n_angles=48, fwhm_mm=0.0)
    y = system.forward(iec.activity)
    with pytest.raises(ValueError, match="n_iter"):
        mlem(system, y, -1)
    with pytest.raises(ValueError, match="n_subsets"):
        mlem(system, y, 1, n_subsets=49)
    with pytest.raises(ValueError, match="sinogram"):
        mlem(system, -y, 1)
    with pytest.raises(ValueError, match="background"):
        mlem(system, y, 1, background=np.ones((2, 2)))
    with pytest.raises(ValueError, match="expected"):
        poisson_counts([-1.0], seed=0)


def test_thread_count_follows_omp_num_threads_and_never_changes_the_image(monkeypatch, iec):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert PETSystem(iec.shape, iec.pixel_mm, n_angles=12).n_threads == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert PETSystem(iec.shape, iec.pixel_mm, n_angles=12).n_threads == min(4, os.cpu_count())
    images = []
    for threads in (1, 3):
        system = PETSystem(iec.shape, iec.pixel_mm, n_angles=12, n_threads=threads)
        images.append(mlem(system, system.forward(iec.activity), n_iter=2, n_subsets=3))
    assert images[0].tobytes() == images[1].tobytes()
