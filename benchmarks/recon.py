"""Reconstruction-speed benchmark: compendium.phantoms MLEM vs an MLEM written with scikit-image.

Run with ``.venv/bin/python benchmarks/recon.py [N_ITER]``. In one process, on the IEC body
phantom at 256 x 256 and 180 angles over 180 degrees, both reconstructions run the same
number of MLEM iterations on Poisson data (same expected total counts, same seed) simulated
with their own projector; no PSF or attenuation, which the scikit-image version lacks; both
model only the inscribed circle (``circle=True`` in both APIs).
Printed: system set-up time (sparse matrix build, cached afterwards), seconds per
iteration of each and their ratio (ours with one thread and with the default thread count;
scipy's sparse products release the GIL), recovery (mean in the 37 mm sphere over the truth 4.0)
of each, and the peak resident memory of the process.
Goals (issue 6): >= 10x faster per iteration, recovery within 0.05, peak memory < 2 GB.
Also printed (issue 13): seconds per noise realisation when ``simulate_scans`` reconstructs a
batch of realisations in one pass over the system matrix, against one ``simulate_scan`` each
(same seeds, identical images), at the chapters' geometry (128 x 128, 96 angles, OSEM 3 x 8).
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
from skimage.transform import iradon, radon

from compendium.phantoms import (
    PETSystem,
    child_seeds,
    iec_body_phantom,
    mlem,
    poisson_counts,
    recovery_coefficients,
    simulate_scan,
    simulate_scans,
)

SHAPE, N_ANGLES, TOTAL_COUNTS, SEED = (256, 256), 180, 2e7, 1


def skimage_mlem(sinogram: np.ndarray, theta: np.ndarray, n_iter: int) -> np.ndarray:
    """The MLEM a user would write with radon / unfiltered iradon as projector pair."""
    def back(values):
        return iradon(values, theta, filter_name=None, circle=True, output_size=SHAPE[0])

    sensitivity = back(np.ones_like(sinogram))
    image = (sensitivity > 0).astype(float)
    for _ in range(n_iter):
        expected = radon(image, theta, circle=True)
        ratio = np.divide(sinogram, expected, out=np.zeros_like(expected), where=expected > 0)
        image = np.divide(image * back(ratio), sensitivity, out=np.zeros_like(image), where=sensitivity > 0)
    return image


def main(n_iter: int = 20) -> None:
    phantom = iec_body_phantom(SHAPE)
    theta = np.linspace(0.0, 180.0, N_ANGLES, endpoint=False)

    timings = {}
    for n_threads in (1, None):  # one thread, then the default (CPU count, at most 4)
        start = time.perf_counter()
        system = PETSystem(SHAPE, phantom.pixel_mm, n_angles=N_ANGLES, fwhm_mm=0.0, n_threads=n_threads, circle=True)
        setup = time.perf_counter() - start
        truth = system.forward(phantom.activity).astype(float)
        scale = TOTAL_COUNTS / truth.sum()
        start = time.perf_counter()
        ours = mlem(system, poisson_counts(truth * scale, SEED), n_iter) / scale
        timings[system.n_threads] = (setup, (time.perf_counter() - start) / n_iter)

    truth_sk = radon(phantom.activity, theta, circle=True)
    scale_sk = TOTAL_COUNTS / truth_sk.sum()
    start = time.perf_counter()
    theirs = skimage_mlem(poisson_counts(truth_sk * scale_sk, SEED), theta, n_iter)
    theirs_per_iter = (time.perf_counter() - start) / n_iter
    # Rescale to activity units through the background mean (iradon's own scaling differs).
    background = phantom.masks["background"]
    theirs *= phantom.activity[background].mean() / theirs[background].mean()

    rc_ours = recovery_coefficients(ours, phantom)["sphere_37mm"].mean
    rc_theirs = recovery_coefficients(theirs, phantom)["sphere_37mm"].mean
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"geometry: {SHAPE[0]}x{SHAPE[1]} pixels of {phantom.pixel_mm} mm, {N_ANGLES} angles, "
          f"{system.n_bins} bins, {n_iter} MLEM iterations, {TOTAL_COUNTS:.0e} counts")
    print(f"scikit-image radon/iradon mlem: {theirs_per_iter * 1e3:6.1f} ms/iteration (single-threaded)")
    for n_threads, (setup, per_iter) in timings.items():
        print(f"compendium mlem, {n_threads} thread(s): {per_iter * 1e3:6.1f} ms/iteration, "
              f"speed ratio {theirs_per_iter / per_iter:.1f}x; system set-up {setup:.2f} s "
              f"({system.nnz / 1e6:.1f} M non-zeros, cached per geometry)")
    print(f"37 mm sphere recovery (mean/true): compendium {rc_ours:.3f}, scikit-image {rc_theirs:.3f}, "
          f"difference {abs(rc_ours - rc_theirs):.3f}")
    print(f"peak memory (ru_maxrss): {peak_mb:.0f} MB")


def batch_vs_single(n_realisations: int = 16) -> None:
    """Seconds per realisation: one batched reconstruction against one reconstruction per seed."""
    phantom = iec_body_phantom((128, 128))
    system = PETSystem((128, 128), phantom.pixel_mm, n_angles=96, fwhm_mm=6.0, attenuation=phantom.mu, circle=True)
    seeds = child_seeds(SEED, n_realisations)
    simulate_scan(phantom, system, 1e6, 3, 8, seed=seeds[0])  # warm the subset cache
    start = time.perf_counter()
    singles = [simulate_scan(phantom, system, 1e6, 3, 8, seed=s) for s in seeds]
    single = (time.perf_counter() - start) / n_realisations
    start = time.perf_counter()
    batch = simulate_scans(phantom, system, 1e6, seeds, 3, 8)
    batched = (time.perf_counter() - start) / n_realisations
    same = all(np.array_equal(a, b) for a, b in zip(singles, batch))
    print(f"{n_realisations} realisations at 128x128, 96 angles, OSEM 3x8: one at a time {single * 1e3:.0f} ms each, "
          f"batched {batched * 1e3:.0f} ms each, speed ratio {single / batched:.1f}x; identical images: {same}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    batch_vs_single()
