"""Digital 2D phantoms: IEC/NEMA body, liver with lesions, vertebra, pelvis with nodes.

Each constructor returns a :class:`Phantom`: activity (relative units, background = 1
unless stated), attenuation ``mu`` at 511 keV in 1/mm, integer ``labels`` with
``label_names``, boolean ``masks`` for the metrics (``masks["background"]`` is the reference
region of the noise and contrast metrics), ``lesions`` mapping each target's mask name to its
diameter in mm, and ``true_activity`` mapping region names (and ``"background"``) to their
activity. Coordinates are in mm from the image centre, x to the
right of the image, y up (anterior). Activity and mu are rendered at 4x4 sub-pixels and
averaged, so small spheres keep their true partial-volume content; masks use pixel centres.

The IEC body geometry follows NEMA NU 2-2018 section 7 (``nema2018nu2``): interior outline
a half-disc of radius 147 mm above a 77 mm deep base with 77 mm corner radii, six spheres
on a 57.2 mm radius ring, a 50 mm lung insert in the centre.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from . import _checks
from .constants import MU_511_PER_MM, MU_60KEV_PER_MM, TRABECULAR_BONE_VOLUME_FRACTION

_OVERSAMPLE = 4
_MU_WATER = MU_511_PER_MM["water"].value
_MU_TISSUE = MU_511_PER_MM["soft_tissue"].value
_MU_LUNG = MU_511_PER_MM["lung"].value
_MU_BONE = MU_511_PER_MM["bone"].value


@dataclass(frozen=True)
class Phantom:
    """A phantom slice (see the module docstring for the meaning of each field)."""

    activity: np.ndarray
    mu: np.ndarray
    labels: np.ndarray
    masks: dict[str, np.ndarray]
    pixel_mm: float
    label_names: dict[int, str] = field(default_factory=dict)
    lesions: dict[str, float] = field(default_factory=dict)
    maps: dict[str, np.ndarray] = field(default_factory=dict)
    true_activity: dict[str, float] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return self.activity.shape


@dataclass(frozen=True)
class _Region:
    name: str
    inside: Callable[[np.ndarray, np.ndarray], np.ndarray]
    values: dict[str, float]  # one value per rendered map: activity, mu, ...


def _grid(shape, pixel_mm, oversample=1):
    rows, cols = shape[0] * oversample, shape[1] * oversample
    step = pixel_mm / oversample
    x = (np.arange(cols) - (cols - 1) / 2) * step
    y = ((rows - 1) / 2 - np.arange(rows)) * step
    return np.meshgrid(x, y)


def _disk(cx, cy, diameter):
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= (diameter / 2) ** 2


def _ellipse(cx, cy, width, height):
    return lambda x, y: ((x - cx) / (width / 2)) ** 2 + ((y - cy) / (height / 2)) ** 2 <= 1


def _render(shape, pixel_mm, regions: Sequence[_Region], map_names=("activity", "mu")):
    """Paint regions in order (later ones overwrite) on a fine grid, then block-average."""
    fine_x, fine_y = _grid(shape, pixel_mm, _OVERSAMPLE)
    x, y = _grid(shape, pixel_mm)
    maps = {name: np.zeros(fine_x.shape) for name in map_names}
    labels = np.zeros(shape, dtype=np.int16)
    for index, region in enumerate(regions, start=1):
        fine = region.inside(fine_x, fine_y)
        for name in map_names:
            maps[name][fine] = region.values[name]
        labels[region.inside(x, y)] = index
    blocks = (shape[0], _OVERSAMPLE, shape[1], _OVERSAMPLE)
    maps = {name: image.reshape(blocks).mean(axis=(1, 3)) for name, image in maps.items()}
    names = {0: "outside"} | {i: r.name for i, r in enumerate(regions, start=1)}
    return maps, labels, names, {r.name: r.values["activity"] for r in regions}


def _masks(labels, names):
    return {name: labels == index for index, name in names.items() if index > 0}


def _default_pixel(shape, fov_mm):
    return fov_mm / max(shape)


def _check_common(shape, pixel_mm, fov_mm):
    shape = _checks.shape2d("shape", shape)
    pixel_mm = _default_pixel(shape, fov_mm) if pixel_mm is None else _checks.positive("pixel_mm", pixel_mm)
    return shape, pixel_mm


def _check_fits(name, extent_mm, shape, pixel_mm):
    if extent_mm > min(shape) * pixel_mm:
        raise ValueError(
            f"{name}: the object ({extent_mm:.0f} mm) does not fit in the field of view "
            f"({min(shape) * pixel_mm:.0f} mm); enlarge shape or pixel_mm"
        )


def _iec_body(x, y):
    upper = (y >= 0) & (x**2 + y**2 <= 147.0**2)
    lower = (y < 0) & (y >= -77.0) & ((np.abs(x) <= 70.0) | ((np.abs(x) - 70.0) ** 2 + y**2 <= 77.0**2))
    return upper | lower


def iec_body_phantom(
    shape=(256, 256),
    pixel_mm=None,
    sphere_diameters_mm=(10, 13, 17, 22, 28, 37),
    sphere_to_background=4.0,
    lung_insert=True,
) -> Phantom:
    """NEMA NU 2 / IEC 61675-1 body phantom slice through the sphere centres.

    Parameters
    ----------
    shape : pair of int
        Image size in pixels.
    pixel_mm : float, optional
        Pixel size; default fits a 320 mm field of view (1.25 mm at 256, 2.5 mm at 128).
    sphere_diameters_mm : sequence of float
        Inner sphere diameters, placed counter-clockwise on the 57.2 mm ring.
    sphere_to_background : float
        Activity concentration ratio (NEMA uses 4 and 8).
    lung_insert : bool
        Include the 50 mm cold, low-density central cylinder.

    Examples
    --------
    >>> p = iec_body_phantom((128, 128))
    >>> p.pixel_mm, max(p.lesions.values()), float(p.activity.max())
    (2.5, 37.0, 4.0)
    """
    shape, pixel_mm = _check_common(shape, pixel_mm, 320.0)
    _check_fits("pixel_mm", 294.0, shape, pixel_mm)
    diameters = _checks.diameters("sphere_diameters_mm", sphere_diameters_mm)
    if max(diameters) > 40:
        raise ValueError(f"sphere_diameters_mm must be <= 40 mm to fit the ring, got {max(diameters)}")
    ratio = _checks.positive("sphere_to_background", sphere_to_background, allow_zero=True)
    regions = [_Region("background", _iec_body, {"activity": 1.0, "mu": _MU_WATER})]
    if lung_insert:
        regions.append(_Region("lung", _disk(0, 0, 50.0), {"activity": 0.0, "mu": _MU_LUNG}))
    lesions = {}
    for k, diameter in enumerate(diameters):
        angle = np.deg2rad(90 + 360 * k / len(diameters))
        name = f"sphere_{diameter:g}mm"
        centre = (57.2 * np.cos(angle), 57.2 * np.sin(angle))
        regions.append(_Region(name, _disk(*centre, diameter), {"activity": ratio, "mu": _MU_WATER}))
        lesions[name] = diameter
    maps, labels, names, truth = _render(shape, pixel_mm, regions)
    x, y = _grid(shape, pixel_mm)
    masks = _masks(labels, names)
    masks["body"] = labels > 0
    # Background for noise metrics: 15 mm inside the wall, 10 mm clear of every insert.
    clear = ndimage.distance_transform_edt(masks["body"]) * pixel_mm >= 15.0
    for region in regions[1:]:
        clear &= ~_grow(region, x, y, 10.0)
    masks["background"] = clear & (labels == 1)
    return Phantom(maps["activity"], maps["mu"], labels, masks, pixel_mm, names, lesions, {}, truth)


def _grow(region, x, y, margin_mm):
    """The region dilated by ``margin_mm`` (exact for disks, which are all we grow)."""
    probe = np.zeros(x.shape, dtype=bool)
    for dx, dy in [(0, 0)] + [(margin_mm * np.cos(a), margin_mm * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 16)]:
        probe |= region.inside(x - dx, y - dy)
    return probe


def liver_phantom(
    shape=(128, 128),
    pixel_mm=None,
    lesion_diameters_mm=(10.0, 15.0, 20.0),
    lesion_to_liver=3.0,
    liver_to_background=2.0,
    positions=None,
    seed=0,
) -> Phantom:
    """Abdominal slice: elliptical body, liver, spine, and spherical liver lesions.

    Activity: body 1, liver ``liver_to_background``, lesions ``lesion_to_liver`` times the
    liver. Lesions are placed at ``positions`` (mm, (x, y)) or, by default, at seeded random
    non-overlapping spots at least 5 mm inside the liver.

    Examples
    --------
    >>> p = liver_phantom((128, 128), lesion_diameters_mm=[12], lesion_to_liver=2.0)
    >>> list(p.lesions), float(p.activity.max())
    (['lesion_1'], 4.0)
    """
    shape, pixel_mm = _check_common(shape, pixel_mm, 380.0)
    _check_fits("pixel_mm", 340.0, shape, pixel_mm)
    diameters = _checks.diameters("lesion_diameters_mm", lesion_diameters_mm)
    ratio = _checks.positive("lesion_to_liver", lesion_to_liver, allow_zero=True)
    liver_level = _checks.positive("liver_to_background", liver_to_background)
    liver = _ellipse(-55.0, 15.0, 190.0, 150.0)
    if positions is None:
        positions = _place_lesions(diameters, liver, (-55.0, 15.0, 190.0, 150.0), np.random.default_rng(seed))
    else:
        positions = [tuple(map(float, p)) for p in positions]
        if len(positions) != len(diameters) or any(len(p) != 2 for p in positions):
            raise ValueError("positions must give one (x_mm, y_mm) pair per lesion diameter")
    regions = [
        _Region("soft_tissue", _ellipse(0, 0, 340.0, 240.0), {"activity": 1.0, "mu": _MU_TISSUE}),
        _Region("liver", liver, {"activity": liver_level, "mu": _MU_TISSUE}),
        _Region("spine", _disk(0, -85.0, 35.0), {"activity": 1.0, "mu": _MU_BONE}),
    ]
    lesions = {}
    for k, (diameter, centre) in enumerate(zip(diameters, positions), start=1):
        regions.append(
            _Region(f"lesion_{k}", _disk(*centre, diameter), {"activity": ratio * liver_level, "mu": _MU_TISSUE})
        )
        lesions[f"lesion_{k}"] = diameter
    maps, labels, names, truth = _render(shape, pixel_mm, regions)
    x, y = _grid(shape, pixel_mm)
    masks = _masks(labels, names)
    masks["body"] = labels > 0
    clear = _ellipse(-55.0, 15.0, 170.0, 130.0)(x, y)
    for region in regions[3:]:
        clear &= ~_grow(region, x, y, 5.0)
    masks["background"] = clear & (labels == 2)  # liver parenchyma is the reference region
    truth["background"] = liver_level
    return Phantom(maps["activity"], maps["mu"], labels, masks, pixel_mm, names, lesions, {}, truth)


def _place_lesions(diameters, inside, ellipse, rng, tries=2000):
    cx, cy, width, height = ellipse
    placed: list[tuple[float, float, float]] = []
    for diameter in sorted(diameters, reverse=True):
        for _ in range(tries):
            x, y = cx + rng.uniform(-width / 2, width / 2), cy + rng.uniform(-height / 2, height / 2)
            # Whole lesion plus 5 mm must lie in the liver, and 5 mm clear of the others.
            ring = np.linspace(0, 2 * np.pi, 24)
            reach = diameter / 2 + 5.0
            if not np.all(inside(x + reach * np.cos(ring), y + reach * np.sin(ring))):
                continue
            if all(np.hypot(x - px, y - py) > (diameter + pd) / 2 + 5.0 for px, py, pd in placed):
                placed.append((x, y, diameter))
                break
        else:
            raise ValueError("lesion_diameters_mm: lesions too large or too many to fit in the liver")
    by_size = {}
    for x, y, diameter in placed:
        by_size.setdefault(diameter, []).append((x, y))
    return [by_size[d].pop(0) for d in diameters]


def vertebra_phantom(
    shape=(128, 128),
    pixel_mm=0.5,
    lesion="lytic",
    lesion_diameter_mm=10.0,
    mineral_change=None,
    lesion_uptake=3.0,
    cortex_mm=1.5,
) -> Phantom:
    """Axial slice of a lumbar vertebral body in soft tissue, with a lytic or sclerotic lesion.

    The vertebral body is a 45 x 32 mm ellipse with a cortical shell ``cortex_mm`` thick;
    its marrow space holds trabecular bone at volume fraction
    ``constants.TRABECULAR_BONE_VOLUME_FRACTION``. In the lesion the mineral fraction is
    multiplied by ``1 + mineral_change`` (lytic: -1 <= change < 0, default -0.5; sclerotic:
    change > 0, default +1.0). ``activity`` is bone-tracer uptake (normal bone 1, soft tissue
    0.1, lesion ``lesion_uptake``). ``maps`` holds ``mu_60kev`` (1/mm, for :func:`radiograph`),
    ``mu_60kev_normal`` (the same slice without the lesion, the reference for
    :func:`lesion_contrast`) and ``mineral_fraction``.

    Examples
    --------
    >>> p = vertebra_phantom(lesion="lytic", mineral_change=-0.5)
    >>> float(np.median(p.maps["mineral_fraction"][p.masks["lesion"]]))
    0.075
    """
    shape, pixel_mm = _check_common(shape, pixel_mm, 64.0)
    _check_fits("pixel_mm", 50.0, shape, pixel_mm)
    if lesion not in ("lytic", "sclerotic"):
        raise ValueError(f"lesion must be 'lytic' or 'sclerotic', got {lesion!r}")
    diameter = _checks.positive("lesion_diameter_mm", lesion_diameter_mm)
    if diameter > 28:
        raise ValueError(f"lesion_diameter_mm must be <= 28 to lie inside the vertebral body, got {diameter}")
    if mineral_change is None:
        mineral_change = -0.5 if lesion == "lytic" else 1.0
    lytic_ok = lesion == "lytic" and -1 <= mineral_change < 0
    if not (lytic_ok or (lesion == "sclerotic" and 0 < mineral_change <= 5)):
        raise ValueError(
            f"mineral_change must be in [-1, 0) for a lytic and (0, 5] for a sclerotic lesion, got {mineral_change!r}"
        )
    uptake = _checks.positive("lesion_uptake", lesion_uptake, allow_zero=True)
    cortex = _checks.positive("cortex_mm", cortex_mm)
    fraction = TRABECULAR_BONE_VOLUME_FRACTION.value

    def bone(mineral):
        values = {"activity": 1.0, "mineral_fraction": mineral}
        for name, table, tissue, cortical in (
            ("mu", MU_511_PER_MM, "soft_tissue", "bone"),
            ("mu_60kev", MU_60KEV_PER_MM, "soft_tissue", "cortical_bone"),
        ):
            values[name] = (1 - mineral) * table[tissue].value + mineral * table[cortical].value
        return values

    lesion_values = bone(fraction * (1 + mineral_change)) | {"activity": uptake}
    regions = [
        _Region("soft_tissue", lambda x, y: np.ones_like(x, dtype=bool), bone(0.0) | {"activity": 0.1}),
        _Region("cortex", _ellipse(0, 0, 45.0, 32.0), bone(1.0)),
        _Region("marrow", _ellipse(0, 0, 45.0 - 2 * cortex, 32.0 - 2 * cortex), bone(fraction)),
        _Region("lesion", _disk(0, 0, diameter), lesion_values),
    ]
    maps, labels, names, truth = _render(shape, pixel_mm, regions, ("activity", "mu", "mu_60kev", "mineral_fraction"))
    masks = _masks(labels, names)
    masks["background"] = labels == 3
    truth["background"] = truth["marrow"]
    normal = _render(shape, pixel_mm, regions[:-1], ("mu_60kev",))[0]["mu_60kev"]
    extra = {"mu_60kev": maps["mu_60kev"], "mu_60kev_normal": normal, "mineral_fraction": maps["mineral_fraction"]}
    return Phantom(maps["activity"], maps["mu"], labels, masks, pixel_mm, names, {"lesion": diameter}, extra, truth)


_NODE_SITES_MM = ((-80.0, 25.0), (80.0, 25.0), (-65.0, -25.0), (65.0, -25.0), (-95.0, 65.0), (95.0, 65.0))


def pelvis_phantom(
    shape=(128, 128),
    pixel_mm=None,
    node_diameters_mm=(4.0, 6.0, 8.0, 10.0),
    node_to_background=8.0,
    prostate_to_background=1.5,
    bladder_to_background=20.0,
) -> Phantom:
    """Pelvic slice: body, bladder, prostate, two femoral heads and small pelvic nodes.

    Nodes sit at up to six fixed pelvic side-wall positions (external and internal iliac
    chains). Activity: background 1, others by the given ratios (a urinary-excreted tracer
    such as PSMA or FDG gives a hot bladder).

    Examples
    --------
    >>> p = pelvis_phantom((128, 128), node_diameters_mm=[5, 8])
    >>> sorted(p.lesions.items())
    [('node_1', 5.0), ('node_2', 8.0)]
    """
    shape, pixel_mm = _check_common(shape, pixel_mm, 400.0)
    _check_fits("pixel_mm", 360.0, shape, pixel_mm)
    diameters = _checks.diameters("node_diameters_mm", node_diameters_mm)
    if len(diameters) > len(_NODE_SITES_MM) or max(diameters) > 20:
        raise ValueError(f"node_diameters_mm must list at most 6 nodes of <= 20 mm, got {diameters}")
    node = _checks.positive("node_to_background", node_to_background, allow_zero=True)
    prostate = _checks.positive("prostate_to_background", prostate_to_background, allow_zero=True)
    bladder = _checks.positive("bladder_to_background", bladder_to_background, allow_zero=True)
    regions = [
        _Region("background", _ellipse(0, 0, 360.0, 240.0), {"activity": 1.0, "mu": _MU_TISSUE}),
        _Region("bladder", _ellipse(0, 40.0, 70.0, 50.0), {"activity": bladder, "mu": _MU_WATER}),
        _Region("prostate", _disk(0, -5.0, 40.0), {"activity": prostate, "mu": _MU_TISSUE}),
        _Region("femoral_head_right", _disk(-120.0, 0, 50.0), {"activity": 1.0, "mu": _MU_BONE}),
        _Region("femoral_head_left", _disk(120.0, 0, 50.0), {"activity": 1.0, "mu": _MU_BONE}),
    ]
    lesions = {}
    for k, (diameter, centre) in enumerate(zip(diameters, _NODE_SITES_MM), start=1):
        regions.append(_Region(f"node_{k}", _disk(*centre, diameter), {"activity": node, "mu": _MU_TISSUE}))
        lesions[f"node_{k}"] = diameter
    maps, labels, names, truth = _render(shape, pixel_mm, regions)
    x, y = _grid(shape, pixel_mm)
    masks = _masks(labels, names)
    masks["body"] = labels > 0
    clear = _ellipse(0, 0, 330.0, 210.0)(x, y) & (labels == 1)
    for region in regions[1:]:
        clear &= ~_grow(region, x, y, 10.0)
    masks["background"] = clear
    return Phantom(maps["activity"], maps["mu"], labels, masks, pixel_mm, names, lesions, {}, truth)
