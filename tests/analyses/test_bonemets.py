"""Tests of the bone-metastasis chapter's analyses (compendium.analyses.bonemets)."""

import math

import numpy as np
import pandas as pd
import pytest

from compendium.analyses import bonemets
from compendium.stats import proportion_ci


def test_reconstruct_count_daldrup_link():
    """Daldrup-Link et al. 2001 (AJR 177:229): 51 metastases; 90/82/71 % are only 46, 42, 36 of 51."""
    assert [bonemets.reconstruct_count(t, 51) for t in ("90%", "82%", "71%")] == [46, 42, 36]


def test_reconstruct_count_eustace_sensitivities():
    """Eustace et al. 1997: 57 metastatic sites; 96.5 % is 55/57 (57/59 would print 96.6 %), 72 % is 41/57."""
    assert bonemets.reconstruct_count("96.5%", 57) == 55
    assert bonemets.reconstruct_count("72%", 57) == 41
    assert bonemets.reconstruct_count("96.5%", 59) is None


def test_reconstruct_count_impossible_percentage():
    """GRIM: 62 % of 31 is impossible (19/31 = 61.3 %, 20/31 = 64.5 %)."""
    assert bonemets.reconstruct_count("62%", 31) is None


def test_smallest_denominator_hand_checked():
    """91.4 % and 84.8 % share a denominator first at 105 (96/105 = 91.43 %, 89/105 = 84.76 %);
    62 % is first attainable at 8 (5/8 = 62.5 %, an exact half, which the rounding rule accepts)."""
    assert bonemets.smallest_denominator(["91.4%", "84.8%"]) == 105
    assert bonemets.smallest_denominator(["62%"]) == 8
    assert bonemets.smallest_denominator(["0.1%"], max_n=50) is None


def test_smallest_denominator_rejects_bad_bound():
    with pytest.raises(ValueError, match="max_n"):
        bonemets.smallest_denominator(["50%"], max_n=0)


def test_cost_per_detection_arithmetic():
    """cost / (prevalence * sensitivity): 8 / (0.5 * 0.9) = 17.78; incremental (2.5-1)/(0.5*(0.82-0.71))."""
    assert bonemets.cost_per_detection(8.0, 0.9, 0.5) == pytest.approx(17.777777, rel=1e-6)
    assert bonemets.incremental_cost_per_detection(2.5, 0.82, 1.0, 0.71, 0.5) == pytest.approx(1.5 / 0.055)
    assert math.isinf(bonemets.incremental_cost_per_detection(2.0, 0.7, 1.0, 0.71, 0.5))


@pytest.mark.parametrize("args, name", [((1.0, 0.0, 0.5), "sensitivity"), ((1.0, 0.5, 1.5), "prevalence"),
                                        ((-1.0, 0.5, 0.5), "cost")])
def test_cost_per_detection_validates(args, name):
    with pytest.raises(ValueError, match=name):
        bonemets.cost_per_detection(*args)


def test_relative_costs_keep_scintigraphy_as_unit():
    costs = bonemets.relative_costs([2.0, 3.0], 8.0)
    assert costs == {"Bone scintigraphy": (1.0, 1.0), "Whole-body MRI": (2.0, 3.0), "FDG-PET": (8.0, 8.0)}
    with pytest.raises(ValueError, match="relative costs"):
        bonemets.relative_costs([0.0, 3.0], 8.0)


# ----------------------------------------------------------------------------- phantoms

from compendium.analyses import bonemets_phantoms as bp  # noqa: E402


def test_radiograph_contrast_grows_with_size_and_loss():
    """Beer–Lambert: more missing mineral along the beam, more transmitted light; contrast is
    monotone in both diameter and mineral loss, and the Rose SNR grows with the fluence as sqrt."""
    grid = bp.radiograph_grid([8.0, 16.0], [0.25, 0.5], photons_per_mm2=1e4)
    c = grid.set_index(["size_mm", "mineral_loss"])["contrast"]
    assert c[(8.0, 0.25)] < c[(8.0, 0.5)] < c[(16.0, 0.5)]
    assert c[(8.0, 0.25)] < c[(16.0, 0.25)]
    high = bp.radiograph_grid([8.0], [0.25], photons_per_mm2=4e4)["snr"].iloc[0]
    assert high == pytest.approx(2 * grid.set_index(["size_mm", "mineral_loss"])["snr"][(8.0, 0.25)], rel=1e-9)


def test_radiograph_contrast_depends_on_product_of_size_and_loss():
    """The missing-mineral path is (chord) x (loss): halving the size and doubling the loss keeps the
    contrast within a few per cent (not exact: the mean chord over the lesion rows is pi d / 4 only
    for a perfect disc, and Beer–Lambert is not linear)."""
    a = bp.review_threshold_contrast(20.0, 0.4)
    b = bp.review_threshold_contrast(10.0, 0.8)
    assert b == pytest.approx(a, rel=0.1)


def test_resolution_recovery_hand_checked_limits():
    """A lesion much larger than the FWHM keeps all its contrast on the PET slice (recovery -> 1);
    at equal size a sharper system recovers more; the planar projection recovers less than PET."""
    table = bp.resolution_table([4.0, 20.0], [4.0, 5.0], camera_distance_mm=80.0, lesion_uptake=3.0)
    r = table.set_index(["size_mm", "system"])["recovery"]
    assert r[(20.0, "NaF PET, 4 mm FWHM")] == pytest.approx(1.0, abs=1e-3)
    assert r[(4.0, "NaF PET, 4 mm FWHM")] > r[(4.0, "NaF PET, 5 mm FWHM")]
    assert r[(20.0, "Planar scintigraphy")] < r[(20.0, "NaF PET, 5 mm FWHM")]


def test_planar_fwhm_at_lesion_uses_collimator_model():
    """3.5 mm + 0.04 x (80 mm gap + 32 mm to the slice centre) = 7.98 mm."""
    assert bp.planar_fwhm_at_lesion(80.0) == pytest.approx(7.98)


def test_size_for_recovery_interpolates():
    import pandas as pd

    table = pd.DataFrame({"system": ["s"] * 3, "size_mm": [2.0, 4.0, 6.0], "recovery": [0.2, 0.4, 0.8]})
    assert bp.size_for_recovery(table, "s", 0.5) == pytest.approx(4.5)
    assert math.isnan(bp.size_for_recovery(table, "s", 0.9))


def test_chapter_defaults_reproduce_the_review():
    """The chapter's default parameters are the review's own figures, read from the registry."""
    from compendium.paths import project_root
    from compendium.pipeline.params import load_group

    specs = load_group(project_root() / "chapters" / bonemets.DOCUMENT).param_specs()
    prevalences = bonemets.cancer_prevalences()
    assert specs["prevalence_prostate_breast"].default == pytest.approx(list(prevalences["Prostate or breast"]))
    assert specs["prevalence_lung"].default == pytest.approx(list(prevalences["Lung"]))
    assert specs["prevalence_kidney"].default == pytest.approx(list(prevalences["Kidney"]))
    assert specs["mri_cost"].default == pytest.approx(list(bonemets.reported_range("bonemets-cost-mri-vs-scintigraphy")))
    assert specs["fdg_cost"].default == pytest.approx(float(bonemets.reported("bonemets-cost-fdgpet-vs-scintigraphy")))
    assert specs["naf_fwhm_mm"].default == pytest.approx(list(bonemets.reported_range("bonemets-naf-resolution")))


def test_modality_table_recovers_the_cited_counts():
    """Every row with a study size gets a count; the Eustace and Daldrup-Link counts are the
    hand-checked ones, and modalities without figures keep an empty row."""
    table = bonemets.modality_table()
    counts = {(r.study, r.modality, r.measure): (r.k, r.n) for r in table.itertuples() if r.n is not pd.NA}
    assert counts[("Eustace et al", "Whole-body MRI", "sensitivity")] == (55, 57)
    assert counts[("Eustace et al", "Bone scintigraphy", "PPV")] == (41, 43)
    assert counts[("Daldrup-Link et al", "FDG-PET", "sensitivity")] == (46, 51)
    empty = table[table["value"].isna()]["modality"].astype(str).tolist()
    assert empty == ["Radiography", "CT", "SPECT"]
    assert (table["low"].dropna() <= table.loc[table["low"].notna(), "value"]).all()


def test_predictive_values_use_recovered_counts_and_carry_the_interval():
    """Eustace: scintigraphy 41/57 sites found, 116/118 normal sites called normal (not 72 % / 98 %).

    NPV at prevalence 0.2 by hand: sp (1 - p) / (sp (1 - p) + (1 - se) p) with se = 41/57, sp = 116/118.
    """
    table = bonemets.predictive_value_table("eustace1997", {"Kidney": (0.2, 0.2)}).set_index("modality")
    scint = table.loc["Bone scintigraphy"]
    se, sp = 41 / 57, 116 / 118
    npv = sp * 0.8 / (sp * 0.8 + (1 - se) * 0.2)
    assert scint["npv_low"] == pytest.approx(npv) and scint["NPV"] == f"{npv:.1%}"
    rounded = 0.98 * 0.8 / (0.98 * 0.8 + 0.28 * 0.2)
    assert scint["npv_low"] != pytest.approx(rounded, rel=1e-6)  # not the rounded 72 % / 98 %
    assert scint["figures per"].startswith("skeletal sites")
    (se_low, se_high), (sp_low, sp_high) = (proportion_ci(41, 57), proportion_ci(116, 118))
    assert scint["npv_bound_low"] == pytest.approx(sp_low * 0.8 / (sp_low * 0.8 + (1 - se_low) * 0.2))
    assert scint["npv_bound_low"] < npv < scint["npv_bound_high"]
    naf = table.loc["18F-NaF PET/CT"]
    assert naf["NPV 95% bounds"].startswith("not available") and np.isnan(naf["npv_bound_low"])
