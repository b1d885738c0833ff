"""2D PET model: a cached sparse system matrix, PSF, attenuation, Poisson data, MLEM/OSEM.

The projector is pixel-driven with linear interpolation onto detector bins one pixel wide
(a standard discretisation of the Radon transform; Kak & Slaney 1988, ``kak1988principles``),
stored once per geometry as a ``scipy.sparse`` CSR matrix. An isotropic Gaussian PSF of the
image equals a 1D Gaussian blur of each projection along the bins, so resolution is
modelled in sinogram space with a symmetric kernel and zero padding, which keeps
``back`` the exact transpose of ``forward``. Attenuation multiplies each line of response
by ``exp(-∫ mu)``. MLEM is Shepp & Vardi (1982, ``shepp1982maximum``); OSEM with
interleaved angle subsets is Hudson & Larkin (1994, ``hudson1994accelerated``).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
from scipy import ndimage, sparse

from . import _checks
from .blur import sigma_pixels



def _default_threads() -> int:
    """Threads for the sparse products: the CPU count, at most 4, or fewer if ``OMP_NUM_THREADS`` says
    so. Dask's worker processes set it to 1 (one process per core), and more threads than
    cores only take turns."""
    limit = os.environ.get("OMP_NUM_THREADS", "")
    cap = int(limit) if limit.isdigit() and int(limit) > 0 else 4
    return max(1, min(cap, os.cpu_count() or 1))


@lru_cache(maxsize=None)  # one pool per thread count, kept for the session
def _pool(n_threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(n_threads, thread_name_prefix="compendium-pet")


class _Operator:
    """A sparse matrix and its transpose, each stored as CSR row blocks.

    scipy's sparse products release the GIL, so the blocks of one product run on several
    threads; the transpose is stored explicitly so that back-projection is a row-parallel
    CSR product too.
    """

    def __init__(self, matrix: sparse.csr_matrix, n_threads: int):
        self.matrix = matrix
        self.n_threads = n_threads
        self._forward = self._split(matrix)
        self._adjoint = self._split(matrix.T.tocsr())

    def _split(self, matrix):
        edges = np.linspace(0, matrix.shape[0], self.n_threads + 1).astype(int)
        return [matrix[a:b] for a, b in zip(edges[:-1], edges[1:])] if self.n_threads > 1 else [matrix]

    def _apply(self, blocks, vector):
        if len(blocks) == 1:
            return blocks[0] @ vector
        return np.concatenate(list(_pool(self.n_threads).map(lambda block: block @ vector, blocks)))

    def dot(self, vector):
        return self._apply(self._forward, vector)

    def tdot(self, vector):
        return self._apply(self._adjoint, vector)


# Own projector: scikit-image's radon/iradon has no matrix form, PSF or attenuation model
# and is about 10x slower per MLEM iteration (benchmarks/recon.py).
@lru_cache(maxsize=2)
def _geometric_operator(shape: tuple[int, int], pixel_mm: float, n_angles: int, n_threads: int, circle: bool):
    """Line-integral operator (mm), matrix shape (n_angles * n_bins, n_pixels), and its build time."""
    start = time.perf_counter()
    rows, cols = shape
    x = np.arange(cols, dtype=np.float32) - (cols - 1) / 2
    y = (rows - 1) / 2 - np.arange(rows, dtype=np.float32)
    x, y = (a.ravel() for a in np.meshgrid(x, y))
    pixels = np.arange(rows * cols, dtype=np.int32)
    if circle:  # only pixels whose centre lies in the inscribed circle (as skimage's circle=True)
        inside = np.hypot(x, y) <= min(rows, cols) / 2
        x, y, pixels = x[inside], y[inside], pixels[inside]
    reach = float(np.hypot(x, y).max())
    n_bins = 2 * int(np.ceil(reach)) + 3
    centre = (n_bins - 1) / 2
    blocks = []
    for angle in np.arange(n_angles) * np.pi / n_angles:
        position = x * np.float32(np.cos(angle)) + y * np.float32(np.sin(angle)) + np.float32(centre)
        lower = np.floor(position).astype(np.int32)
        upper_weight = (position - lower).astype(np.float32)
        data = np.concatenate([1 - upper_weight, upper_weight]) * np.float32(pixel_mm)
        bins = np.concatenate([lower, lower + 1])
        blocks.append(sparse.csr_matrix((data, (bins, np.concatenate([pixels, pixels]))), shape=(n_bins, rows * cols)))
    matrix = sparse.vstack(blocks, format="csr", dtype=np.float32)
    return _Operator(matrix, n_threads), n_bins, time.perf_counter() - start


def _symmetric_kernel(kernel) -> np.ndarray:
    """A 1D blur kernel that keeps ``back`` the exact adjoint: odd, symmetric, non-negative, sum 1."""
    array = np.asarray(kernel, dtype=np.float32)
    if (array.ndim != 1 or len(array) % 2 == 0 or np.any(array < 0) or not np.allclose(array, array[::-1])
            or not np.isclose(array.sum(), 1.0, atol=1e-5)):
        raise ValueError("kernel must be a 1D symmetric non-negative array of odd length summing to 1")
    return array


class PETSystem:
    """A 2D PET scanner for one image grid: ``forward`` (image → sinogram) and its adjoint ``back``.

    Parameters
    ----------
    image_shape : pair of int
    pixel_mm : float
        Pixel size; detector bins have the same width.
    n_angles : int
        Projection angles evenly spaced over [0, 180) degrees.
    fwhm_mm : float
        Isotropic Gaussian system resolution (detector), 0 for none.
    kernel : 1D array, optional
        An extra symmetric blur of each projection, sampled at the bin width (odd length,
        non-negative, summing to 1): e.g. a nuclide's positron range,
        :func:`compendium.phantoms.positron.range_kernel`. Applied after the Gaussian.
    attenuation : 2D array, optional
        mu map in 1/mm on the image grid (e.g. ``Phantom.mu``).
    n_threads : int, optional
        Threads for the sparse products (default: CPU count, at most 4, at most ``OMP_NUM_THREADS``).
    circle : bool
        Model only pixels inside the inscribed circle (the scanner's round field of view);
        pixels outside are not seen by ``forward`` and reconstruct to 0. Saves ~21 % of the
        work on square grids; every phantom here except ``vertebra_phantom`` fits inside.

    Attributes
    ----------
    setup_seconds : float
        Time spent building the sparse matrix for this geometry (0 when it came from the cache).
    n_bins : int

    Examples
    --------
    >>> import numpy as np
    >>> system = PETSystem((32, 32), pixel_mm=4.0, n_angles=60, fwhm_mm=0.0)
    >>> image = np.ones((32, 32))
    >>> sinogram = system.forward(image)
    >>> sinogram.shape, round(float(sinogram.sum() / (60 * 4.0 * image.sum())), 4)
    ((60, 47), 1.0)
    """

    def __init__(
        self, image_shape, pixel_mm, n_angles=180, fwhm_mm=4.0, attenuation=None, n_threads=None, circle=False,
        kernel=None,
    ):
        self.image_shape = _checks.shape2d("image_shape", image_shape, minimum=8)
        self.pixel_mm = _checks.positive("pixel_mm", pixel_mm)
        self.n_angles = _checks.positive_count("n_angles", n_angles)
        self.fwhm_mm = _checks.positive("fwhm_mm", fwhm_mm, allow_zero=True)
        self.n_threads = _default_threads() if n_threads is None else _checks.positive_count("n_threads", n_threads)
        misses = _geometric_operator.cache_info().misses
        self.circle = bool(circle)
        geometry = (self.image_shape, self.pixel_mm, self.n_angles, self.n_threads, self.circle)
        self._operator, self.n_bins, build = _geometric_operator(*geometry)
        self.setup_seconds = build if _geometric_operator.cache_info().misses > misses else 0.0
        self._sigma_bins = sigma_pixels(self.fwhm_mm, self.pixel_mm)
        self._kernel = None if kernel is None else _symmetric_kernel(kernel)
        self._attenuation_factors = np.ones(self.sinogram_shape, dtype=np.float32)
        if attenuation is not None:
            mu = _checks.image("attenuation", attenuation, self.image_shape)
            if np.any(mu < 0):
                raise ValueError("attenuation must be non-negative (mu in 1/mm)")
            line_integrals = self._operator.dot(mu.ravel().astype(np.float32))
            self._attenuation_factors = np.exp(-line_integrals).reshape(self.sinogram_shape).astype(np.float32)
        self._subsets: dict[int, list] = {}

    @property
    def nnz(self) -> int:
        """Stored non-zeros of the geometric system matrix."""
        return self._operator.matrix.nnz

    @property
    def sinogram_shape(self) -> tuple[int, int]:
        return self.n_angles, self.n_bins

    def _blur(self, sinogram):
        if self._sigma_bins > 0:
            sinogram = ndimage.gaussian_filter1d(sinogram, self._sigma_bins, axis=1, mode="constant", truncate=4.0)
        if self._kernel is not None:
            sinogram = ndimage.convolve1d(sinogram, self._kernel, axis=1, mode="constant")
        return sinogram

    # Internally images are (pixels, k) and sinograms (angles, bins, k): k images share one
    # pass over the sparse matrix (a CSR times dense-matrix product), which is faster than k
    # matrix-vector products and gives each column the same bytes as a product on its own.
    def _project(self, images, operator, factors):
        lines = operator.dot(images).reshape(factors.shape + (images.shape[1],))
        return self._blur(lines) * factors[..., None]

    def _backproject(self, sinograms, operator, factors):
        weighted = self._blur(sinograms * factors[..., None])
        return operator.tdot(weighted.reshape(-1, sinograms.shape[-1]))

    def forward(self, image) -> np.ndarray:
        """Expected sinogram (n_angles, n_bins) of ``image``: attenuated, blurred line integrals."""
        image = _checks.image("image", image, self.image_shape).astype(np.float32)
        return self._project(image.reshape(-1, 1), self._operator, self._attenuation_factors)[..., 0]

    def back(self, sinogram) -> np.ndarray:
        """Adjoint of :meth:`forward`: ``<forward(x), y> == <x, back(y)>``."""
        sinogram = _checks.image("sinogram", sinogram, self.sinogram_shape).astype(np.float32)
        return self._backproject(sinogram[..., None], self._operator, self._attenuation_factors).reshape(
            self.image_shape)

    def subsets(self, n_subsets: int) -> list[tuple[np.ndarray, _Operator, np.ndarray, np.ndarray]]:
        """Interleaved angle subsets: (angle indices, sub-operator, attenuation rows, sensitivity)."""
        if n_subsets not in self._subsets:
            parts = []
            for first in range(n_subsets):
                angles = np.arange(first, self.n_angles, n_subsets)
                rows = (angles[:, None] * self.n_bins + np.arange(self.n_bins)).ravel()
                whole = self._operator
                operator = whole if n_subsets == 1 else _Operator(whole.matrix[rows], whole.n_threads)
                factors = self._attenuation_factors[angles]
                sensitivity = self._backproject(np.ones(factors.shape + (1,), np.float32), operator, factors)
                parts.append((angles, operator, factors, sensitivity))
            self._subsets[n_subsets] = parts
        return self._subsets[n_subsets]


def poisson_counts(expected, seed) -> np.ndarray:
    """Poisson-distributed counts with the given mean array (``seed``: int or Generator).

    >>> poisson_counts([0.0, 4.0, 100.0], seed=1).tolist()
    [0.0, 5.0, 111.0]
    """
    expected = np.asarray(expected, dtype=float)
    if not np.all(np.isfinite(expected)) or np.any(expected < 0):
        raise ValueError("expected must be finite and non-negative")
    return np.random.default_rng(seed).poisson(expected).astype(float)


def _sinogram_stack(name, value, shape):
    """A sinogram (angles, bins) or a stack (k, angles, bins) as float32 (angles, bins, k), and k or None."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 2:
        array, single = array[None], True
    else:
        single = False
    if array.ndim != 3 or array.shape[1:] != tuple(shape) or len(array) == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite array of shape {tuple(shape)} or (k, *{tuple(shape)}), "
                         f"got {np.shape(value)}")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative")
    return np.moveaxis(array.astype(np.float32), 0, -1), single


def mlem(system: PETSystem, sinogram, n_iter, n_subsets=1, background=None, initial=None) -> np.ndarray:
    """Maximum-likelihood EM reconstruction (OSEM when ``n_subsets > 1``).

    Update per subset S: ``x ← x / Aₛᵀ1 · Aₛᵀ( y / (Aₛx + b) )`` (Shepp & Vardi 1982;
    Hudson & Larkin 1994). ``background`` b is the expected randoms + scatter sinogram.
    Without background each full MLEM iteration conserves counts: ``sum(A x) == sum(y)``.

    ``sinogram`` may be a stack (k, n_angles, n_bins) of independent acquisitions (with a
    ``background`` of the same shape or one shared sinogram): all k are reconstructed in one
    pass over the system matrix per subset and returned as (k, rows, cols), each identical
    to its reconstruction on its own.

    Examples
    --------
    >>> import numpy as np
    >>> system = PETSystem((32, 32), pixel_mm=4.0, n_angles=60, fwhm_mm=0.0)
    >>> y = system.forward(np.ones((32, 32)))
    >>> x = mlem(system, y, n_iter=3)
    >>> round(float(system.forward(x).sum() / y.sum()), 5)
    1.0
    >>> stack = mlem(system, np.stack([y, 2 * y]), n_iter=3)
    >>> stack.shape, bool(np.array_equal(stack[0], x))
    ((2, 32, 32), True)
    """
    y, single = _sinogram_stack("sinogram", sinogram, system.sinogram_shape)
    n_iter = _checks.count("n_iter", n_iter)
    n_subsets = _checks.positive_count("n_subsets", n_subsets)
    if n_subsets > system.n_angles:
        raise ValueError(f"n_subsets must not exceed n_angles ({system.n_angles}), got {n_subsets}")
    b = np.zeros_like(y)
    if background is not None:
        b, _ = _sinogram_stack("background", background, system.sinogram_shape)
        if b.shape[-1] not in (1, y.shape[-1]):
            raise ValueError(f"background must be one sinogram or one per acquisition ({y.shape[-1]})")
        b = np.broadcast_to(b, y.shape)
    x = np.ones((y.shape[-1], *system.image_shape), dtype=np.float32)
    if initial is not None:
        x = np.broadcast_to(_checks.image("initial", initial, system.image_shape).astype(np.float32), x.shape)
    x = x.reshape(len(x), -1).T.copy()  # (pixels, k)
    for _ in range(n_iter):
        for angles, operator, factors, sensitivity in system.subsets(n_subsets):
            expected = system._project(x, operator, factors) + b[angles]
            ratio = np.divide(y[angles], expected, out=np.zeros_like(expected), where=expected > 0)
            update = system._backproject(ratio, operator, factors)
            x = np.divide(x * update, sensitivity, out=np.zeros_like(x), where=sensitivity > 0)
    images = x.T.reshape(-1, *system.image_shape).astype(float)
    return images[0] if single else images


def _acquisition(phantom, system, total_counts, background_fraction):
    """Expected trues (scaled to ``total_counts``), the background sinogram and the scale."""
    total_counts = _checks.positive("total_counts", total_counts)
    background_fraction = _checks.fraction("background_fraction", background_fraction)
    trues = system.forward(phantom.activity).astype(float)
    scale = total_counts / trues.sum()
    background = np.full(system.sinogram_shape, total_counts * background_fraction / (1 - background_fraction))
    background /= trues.size
    return trues * scale, background, scale


def simulate_scan(
    phantom, system: PETSystem, total_counts, n_iter=4, n_subsets=10, seed=0, background_fraction=0.0
) -> np.ndarray:
    """Noisy PET acquisition of ``phantom.activity`` and its OSEM reconstruction.

    The true (unscattered) counts in the sinogram sum to ``total_counts`` on average; a
    uniform randoms + scatter sinogram makes up ``background_fraction`` of all prompts and
    is modelled (known) in the reconstruction. The image is returned in the phantom's
    activity units, so region means compare directly with ``phantom.activity``.

    Examples
    --------
    >>> from compendium.phantoms import iec_body_phantom
    >>> phantom = iec_body_phantom((64, 64), pixel_mm=5.0)
    >>> system = PETSystem((64, 64), 5.0, n_angles=60, fwhm_mm=0.0, attenuation=phantom.mu)
    >>> image = simulate_scan(phantom, system, total_counts=1e9, n_iter=10, n_subsets=6, seed=1)
    >>> round(float(image[phantom.masks["background"]].mean()), 2)
    1.0
    """
    trues, background, scale = _acquisition(phantom, system, total_counts, background_fraction)
    counts = poisson_counts(trues + background, seed)
    return mlem(system, counts, n_iter, n_subsets, background=background) / scale


def simulate_scans(
    phantom, system: PETSystem, total_counts, seeds, n_iter=4, n_subsets=10, background_fraction=0.0
) -> np.ndarray:
    """One :func:`simulate_scan` per seed, reconstructed together: an array (len(seeds), rows, cols).

    Image ``k`` is identical to ``simulate_scan(..., seed=seeds[k])``; the batch shares each
    pass over the system matrix, which is what makes many noise realisations affordable.

    >>> from compendium.phantoms import iec_body_phantom
    >>> phantom = iec_body_phantom((64, 64), pixel_mm=5.0)
    >>> system = PETSystem((64, 64), 5.0, n_angles=60, fwhm_mm=0.0)
    >>> stack = simulate_scans(phantom, system, 1e5, seeds=[1, 2], n_iter=2, n_subsets=6)
    >>> bool(np.array_equal(stack[1], simulate_scan(phantom, system, 1e5, 2, 6, seed=2)))
    True
    """
    trues, background, scale = _acquisition(phantom, system, total_counts, background_fraction)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must contain at least one seed")
    counts = np.stack([poisson_counts(trues + background, seed) for seed in seeds])
    return mlem(system, counts, n_iter, n_subsets, background=background) / scale
