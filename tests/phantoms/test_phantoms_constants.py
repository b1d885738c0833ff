"""Every constant carries a unit and either a bibliography key present in data/references.bib or
an explicit 'assumption' note; every key cited in the package's docstrings is in the bibliography."""

import re
from pathlib import Path

import pytest

import compendium.phantoms as phantoms
from compendium.phantoms import constants

ROOT = Path(__file__).resolve().parents[2]
BIB_KEYS = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "data" / "references.bib").read_text(), re.M))


def _all_constants():
    for name, value in vars(constants).items():
        if not name.isupper():
            continue
        if isinstance(value, constants.Constant):
            yield name, value
        elif isinstance(value, dict):
            for key, inner in value.items():
                items = inner.items() if isinstance(inner, dict) else [("", inner)]
                for tissue, constant in items:
                    assert isinstance(constant, constants.Constant), (name, key, tissue)
                    yield f"{name}[{key}]{tissue}", constant


@pytest.mark.parametrize("name, constant", list(_all_constants()), ids=lambda v: v if isinstance(v, str) else "")
def test_constant_is_sourced_or_marked_as_assumption(name, constant):
    assert constant.unit
    if constant.source is None:
        assert constant.note.startswith("assumption"), name
    else:
        assert constant.source in BIB_KEYS, f"{name}: {constant.source} missing from data/references.bib"


def test_cited_keys_are_in_the_bibliography():
    package = Path(phantoms.__file__).parent
    cited = set()
    for module in package.glob("*.py"):
        cited |= set(re.findall(r"``([a-z]+\d{4}[a-z0-9]+)``", module.read_text()))
    assert cited and cited <= BIB_KEYS, cited - BIB_KEYS


def test_half_lives_match_the_brief():
    """F-18 109.77 min and Ga-68 67.71 min (ENSDF via NuDat)."""
    assert constants.HALF_LIFE_MIN["F-18"].value == 109.77
    assert constants.HALF_LIFE_MIN["Ga-68"].value == 67.71
