"""Tests of the PET/MR newsletter analyses: survey arithmetic, installed base, effective dose.

Expected values are hand-checked arithmetic on the newsletter's numbers (39 sites; shares
88/9/3 and 47/45 %) and on the cited coefficients (ICRP 128: 0.019 mSv/MBq for 18F-FDG;
Quinn et al. 2016: CT 5.0 and 15.4 mSv).
"""

from types import SimpleNamespace

import numpy as np
import pytest

from compendium.analyses import newsletter
from compendium.claims.checks import newsletter as checks
from compendium.claims.printed import printed_number


def test_shares_as_counts_of_39_sites():
    """88% of 39 lies between 34/39 = 87.2% and 35/39 = 89.7%; 3% is 1/39 = 2.56%."""
    grid = newsletter.attainable_counts([88, 9, 3, 47, 45], [39])[39]
    assert grid.to_dict() == {"88%": [], "9%": [], "3%": [1], "47%": [], "45%": []}


def test_string_shares_keep_their_precision():
    """'88.0%' needs 87.95..88.05; 22/25 = 88.0% exactly, 7/8 = 87.5% does not qualify."""
    assert newsletter.attainable_counts(["88.0%"], [25, 8]).loc["88.0%"].tolist() == [[22], []]


def test_joint_denominators_clinical_split_must_add_up():
    """28 + 3 + 1 = 32: 87.5% (a half, accepted), 9.4%, 3.1% round to 88, 9, 3."""
    fit = newsletter.joint_denominators([88, 9, 3], 40, exhaustive=True)
    assert fit["n"].tolist() == [32, 33, 34]
    assert fit["counts"].iloc[0] == [28, 3, 1]


def test_joint_denominators_use_split():
    """18/38 = 47.4% and 17/38 = 44.7%; 19/40 = 47.5% and 18/40 = 45.0%."""
    fit = newsletter.joint_denominators([47, 45], 40, exhaustive=False)
    assert fit["n"].tolist() == [38, 40]
    assert fit["counts"].tolist() == [[18, 17], [19, 18]]


def test_joint_denominators_rejects_bad_max():
    with pytest.raises(ValueError, match="max_n"):
        newsletter.joint_denominators([47], 0, exhaustive=False)


def test_source_site_counts_use_all_39_sites():
    """26/39 = 66.7%, 13/39 = 33.3%, 11/39 = 28.2%, 10/39 = 25.6% print as 67, 33, 28, 26."""
    table = newsletter.source_site_counts()
    assert table["reproduced"].all()
    assert table["100 n / sites"].round(1).tolist() == [66.7, 33.3, 28.2, 25.6]
    assert not newsletter.source_site_counts(40)["reproduced"].all()


def test_installed_base_ratios():
    values = newsletter.installed_base(250, 50, 2000, 331.449281, 7.9).set_index("quantity")["value"]
    assert values["US share of the world's PET/MR systems"] == pytest.approx(0.2)
    assert values["PET/MR systems per million, US"] == pytest.approx(50 / 331.449281)
    assert values["PET/MR systems per million, outside the US"] == pytest.approx(200 / (7900 - 331.449281))
    assert values["PET and PET/CT sites per PET/MR system, US"] == pytest.approx(40)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"petmr_us": 300}, "petmr_us"), ({"pet_sites_us": 0}, "pet_sites_us"), ({"world_population_billion": 0.3}, "world")],
)
def test_installed_base_validates(kwargs, match):
    args = dict(petmr_world=250, petmr_us=50, pet_sites_us=2000, us_population_million=331.4, world_population_billion=7.9)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        newsletter.installed_base(**args)


def test_effective_dose_linear_model():
    """370 MBq x 0.019 mSv/MBq = 7.03 mSv; plus a 5 mSv CT = 12.03 mSv."""
    assert newsletter.effective_dose(370, 0.019) == pytest.approx(7.03)
    assert newsletter.effective_dose(370, 0.019, 5.0) == pytest.approx(12.03)
    np.testing.assert_allclose(newsletter.effective_dose([0, 100], 0.019, 5.0), [5.0, 6.9])
    with pytest.raises(ValueError, match="activity_mbq"):
        newsletter.effective_dose(-1, 0.019)
    with pytest.raises(ValueError, match="ct_msv"):
        newsletter.effective_dose(100, 0.019, -1)


def test_dose_comparison_savings():
    """Saving vs low-dose CT: 5 / 12.03 = 41.6%; vs diagnostic: 15.4 / 22.43 = 68.7%."""
    table = newsletter.dose_comparison(370, "fdg", 5.0, 15.4).set_index("examination")
    assert table.loc["PET/CT, low-dose CT", "saving_fraction"] == pytest.approx(5 / 12.03)
    assert table.loc["PET/CT, diagnostic CT", "saving_fraction"] == pytest.approx(15.4 / 22.43)
    half = newsletter.dose_comparison(370, "fdg", 5.0, 15.4, petmr_activity_fraction=0.5).set_index("examination")
    assert half.loc["PET/MR", "total_msv"] == pytest.approx(3.515)
    with pytest.raises(ValueError, match="tracer"):
        newsletter.dose_comparison(370, "tc99m", 5.0, 15.4)
    with pytest.raises(ValueError, match="petmr_activity_fraction"):
        newsletter.dose_comparison(370, "fdg", 5.0, 15.4, petmr_activity_fraction=0)


def test_every_dose_figure_has_a_source():
    for figure in [*newsletter.DOSE_COEFFICIENTS.values(), *newsletter.CT_EFFECTIVE_DOSE.values()]:
        assert figure.source and figure.value > 0


def test_site_count_note():
    """47% of 39 = 18.3 sites: 18/39 = 46.2% and 19/39 = 48.7% miss it; 7/15 = 46.7% is the first hit."""
    assert checks.site_count_note(3, 0, 39) == "As a count of the 39 sites it is 1/39."
    note = checks.site_count_note(47, 0, 39)
    assert "18/39 = 46.2%" in note and "19/39 = 48.7%" in note and note.endswith("is 15.")


def test_survey_share_check_compares_with_the_source():
    claim = SimpleNamespace(reported=printed_number("88 percent"))
    recomputed, verdict, note = checks.survey_share(claim, figure="fendler2016-clinical-oncology", sites=39)
    assert (recomputed, verdict) == ("88%", "consistent")  # quoted from the abstract, not recomputed
    assert "34/39 = 87.2%" in note and "fendler2016variations (Abstract" in note
    other = SimpleNamespace(reported=printed_number("76 percent"))
    assert checks.survey_share(other, figure="fendler2016-clinical-oncology", sites=39)[1] == "inconsistent"
