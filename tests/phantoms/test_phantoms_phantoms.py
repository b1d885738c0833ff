"""Phantom geometry: areas, placements, maps, determinism and argument checks."""

import numpy as np
import pytest
from scipy import ndimage

from compendium.phantoms import constants, iec_body_phantom, liver_phantom, pelvis_phantom, vertebra_phantom


def test_iec_sphere_areas_and_values():
    """Masks match pi·r² within 10 %; sub-sampled activity keeps the spheres' total excess 3·pi·r² within 2 %."""
    phantom = iec_body_phantom((256, 256))
    assert phantom.pixel_mm == 1.25
    for name, diameter in phantom.lesions.items():
        area_px = np.pi * (diameter / 2 / phantom.pixel_mm) ** 2
        assert phantom.masks[name].sum() == pytest.approx(area_px, rel=0.1)
    hot = (phantom.activity - 1).clip(min=0).sum()
    expected = 3 * sum(np.pi * (d / 2 / phantom.pixel_mm) ** 2 for d in phantom.lesions.values())
    assert hot == pytest.approx(expected, rel=0.02)
    assert np.median(phantom.mu[phantom.masks["lung"]]) == pytest.approx(constants.MU_511_PER_MM["lung"].value)
    assert phantom.activity[phantom.masks["lung"]].min() == 0.0
    assert not (phantom.masks["background"] & phantom.masks["lung"]).any()


def test_iec_body_outline_is_294_by_224_mm():
    """NEMA NU 2 body phantom interior: 294 mm wide, 224 mm high (147 mm half-disc over a 77 mm base)."""
    phantom = iec_body_phantom((320, 320), pixel_mm=1.0)
    rows, cols = np.nonzero(phantom.masks["body"])
    assert cols.max() - cols.min() + 1 == pytest.approx(294, abs=2)
    assert rows.max() - rows.min() + 1 == pytest.approx(224, abs=2)


def test_liver_lesions_are_seeded_inside_the_liver():
    first = liver_phantom(lesion_diameters_mm=(8, 12, 20), seed=3)
    again = liver_phantom(lesion_diameters_mm=(8, 12, 20), seed=3)
    np.testing.assert_array_equal(first.activity, again.activity)
    liver = first.masks["liver"]
    for name in first.lesions:
        lesion = first.masks[name]
        rim = ndimage.binary_dilation(lesion, iterations=2) & ~lesion
        assert rim.any() and liver[rim].all(), name  # every lesion is surrounded by liver
        assert first.activity[lesion].max() == pytest.approx(3.0 * 2.0)
    assert first.true_activity["background"] == 2.0


def test_vertebra_mineral_fractions():
    """Trabecular bone volume fraction 0.15; lytic -50 % -> 0.075, sclerotic +100 % -> 0.30 (medians)."""
    lytic = vertebra_phantom(lesion="lytic", mineral_change=-0.5)
    sclerotic = vertebra_phantom(lesion="sclerotic", mineral_change=1.0)
    fraction = constants.TRABECULAR_BONE_VOLUME_FRACTION.value
    assert np.median(lytic.maps["mineral_fraction"][lytic.masks["marrow"]]) == pytest.approx(fraction)
    assert np.median(lytic.maps["mineral_fraction"][lytic.masks["lesion"]]) == pytest.approx(0.5 * fraction)
    assert np.median(sclerotic.maps["mineral_fraction"][sclerotic.masks["lesion"]]) == pytest.approx(2 * fraction)
    assert (sclerotic.maps["mu_60kev"] >= sclerotic.maps["mu_60kev_normal"] - 1e-12).all()


def test_pelvis_nodes_and_hot_bladder():
    phantom = pelvis_phantom(node_diameters_mm=(5, 10), node_to_background=6.0)
    assert phantom.lesions == {"node_1": 5.0, "node_2": 10.0}
    assert phantom.activity[phantom.masks["bladder"]].max() == pytest.approx(20.0)
    assert phantom.true_activity["node_2"] == 6.0


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: iec_body_phantom((8, 8)), "shape"),
        (lambda: iec_body_phantom((64, 64), pixel_mm=1.0), "pixel_mm"),
        (lambda: iec_body_phantom(sphere_diameters_mm=()), "sphere_diameters_mm"),
        (lambda: iec_body_phantom(sphere_to_background=-1), "sphere_to_background"),
        (lambda: liver_phantom(lesion_diameters_mm=[10], positions=[(0, 0), (1, 1)]), "positions"),
        (lambda: liver_phantom(lesion_diameters_mm=[100] * 3), "lesion_diameters_mm"),
        (lambda: vertebra_phantom(lesion="blastic"), "lesion"),
        (lambda: vertebra_phantom(lesion="lytic", mineral_change=0.5), "mineral_change"),
        (lambda: pelvis_phantom(node_diameters_mm=[5] * 7), "node_diameters_mm"),
    ],
)
def test_invalid_arguments_raise_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()
