"""Registry validation: one test per kind of error, each naming file:line and the field."""

from pathlib import Path

import pytest

from compendium.claims.registry import Claim, load_registry
from compendium.errors import CompendiumError

FIXTURES = Path(__file__).parent / "fixtures"
FILE = "huang2021-liver-petmr.yaml"
# A valid file whose line numbers the cases below refer to.
BASE = """\
document: huang2021-liver-petmr
claims:
  - id: huang-n
    location: "Results"
    quantity: "Metastatic lesions"
    reported: "179"
    unit: count
    check: {fn: none, reason: "Stated once."}
  - id: huang-ct-sens
    location: "Table 1"
    quantity: "CT sensitivity"
    reported: "74.9%"
    unit: "%"
    check:
      fn: percentage
      args: {numerator: 134, denominator: "@huang-n"}
    source: null
"""
BIB = "@article{maffione2015diagnostic,\n  title = {A source},\n  year = {2015}\n}\n"


def load(tmp_path, text, name=FILE, extra=None):
    folder = tmp_path / "claims"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    for other, content in (extra or {}).items():
        (folder / other).write_text(content, encoding="utf-8")
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    return load_registry(folder, tmp_path / "references.bib")


def test_the_base_file_and_the_fixture_load(tmp_path):
    claims = load(tmp_path, BASE)
    assert [c.id for c in claims] == ["huang-n", "huang-ct-sens"]
    sens = claims[1]
    assert isinstance(sens, Claim)
    assert (sens.reported, sens.unit, sens.check, sens.line) == ("74.9%", "%", "percentage", 9)
    assert sens.args == {"numerator": 134, "denominator": "@huang-n"}  # references stay as written
    assert claims[0].check == "none" and claims[0].reason == "Stated once." and claims[0].args == {}
    fixture = load_registry(FIXTURES / "claims", FIXTURES / "references.bib")
    assert len(fixture) == 9 and fixture[-1].document == "ucla-psma-pet"


CASES = {
    "invalid YAML": ('location: "Results"', 'location: "Results', None, "not valid YAML"),
    "top-level field missing": ("claims:\n", "claimz:\n", 1, "claims: is missing"),
    "claims not a list": (BASE, "document: huang2021-liver-petmr\nclaims: {}\n", 2, "claims: must be a list"),
    "document not the file stem": ("document: huang2021-liver-petmr", "document: ucla-psma-pet", 1,
                                   "document: 'ucla-psma-pet' must equal the file name stem"),
    "unknown document": ("document: huang2021-liver-petmr", "document: huang2021", 1, "document: 'huang2021' is not one of"),
    "required field missing": ('    unit: "%"\n', "", 9, "unit of claim huang-ct-sens: is missing"),
    "unknown field": ("    source: null", "    sauce: null", 17, "sauce of claim huang-ct-sens: is not a field"),
    "repeated key": ("    unit: count\n", "    unit: count\n    unit: count\n", 8, "unit of claim huang-n: appears twice"),
    "reported not a quoted string": ('reported: "74.9%"', "reported: 74.9", 12,
                                     "reported of claim huang-ct-sens: must be a quoted string, got float '74.9'"),
    "empty text field": ('quantity: "CT sensitivity"', 'quantity: ""', 11, "quantity of claim huang-ct-sens: must not be empty"),
    "bad id pattern": ("id: huang-n", "id: huang_N", 3, "id: 'huang_N' must be lower-case"),
    "id without the document prefix": ("id: huang-ct-sens", "id: psma-ct-sens", 9, "id: 'psma-ct-sens' must start with 'huang-'"),
    "unknown check": ("fn: percentage", "fn: percentag", 15, "check.fn of claim huang-ct-sens: unknown check 'percentag' (did you mean percentage"),
    "check without fn": ("      fn: percentage\n", "", 15, "check.fn of claim huang-ct-sens: is missing"),
    "missing argument": ('{numerator: 134, denominator: "@huang-n"}', "{numerator: 134}", 16,
                         "check.args of claim huang-ct-sens: do not fit percentage(numerator, denominator)"),
    "unexpected argument": ('{numerator: 134, denominator: "@huang-n"}', "{numerator: 134, denominator: 179, scale: 2}", 16,
                            "unexpected keyword argument 'scale'"),
    "args not a mapping": ('{numerator: 134, denominator: "@huang-n"}', "[134, 179]", 16, "check.args of claim huang-ct-sens: must be a mapping"),
    "reference to an unknown claim": ('"@huang-n"', '"@huang-m"', 16,
                                      "check.args.denominator of claim huang-ct-sens: '@huang-m' is not a claim id"),
    "reference to a claim that is not a number": ('reported: "179"', 'reported: "about 180"', 16,
                                                  "'@huang-n' prints 'about 180', which is not a single number"),
    "source not in the bibliography": ("source: null", "source: nobody2020", 17,
                                       "source of claim huang-ct-sens: 'nobody2020' is not a key"),
    "quoted without a source": ('      fn: percentage\n      args: {numerator: 134, denominator: "@huang-n"}',
                                "      fn: quoted\n      args: {figure: maffione2015-pet-sensitivity}", 9,
                                "source of claim huang-ct-sens: is required by the quoted check"),
    "none without a reason": ('{fn: none, reason: "Stated once."}', "{fn: none}", 8,
                              "check.reason of claim huang-n: is missing"),
    "none with arguments": ('{fn: none, reason: "Stated once."}', '{fn: none, reason: "x", args: {n: 1}}', 8,
                            "check.args of claim huang-n: is not allowed with fn 'none'"),
}


@pytest.mark.parametrize("old, new, line, message", CASES.values(), ids=CASES.keys())
def test_each_kind_of_error_names_file_line_and_field(tmp_path, old, new, line, message):
    assert old in BASE
    with pytest.raises(CompendiumError) as error:
        load(tmp_path, BASE.replace(old, new))
    text = str(error.value)
    assert "\n" not in text
    assert text.startswith(f"{tmp_path / 'claims' / FILE}:{line if line else ''}")
    assert message in text


def test_duplicate_ids_and_keys(tmp_path):
    first_row = (BASE.split("  - id: huang-ct-sens")[0]
                 .replace("document: huang2021-liver-petmr", "document: ucla-psma-pet").replace("id: huang-n", "id: psma-n"))
    assert len(load(tmp_path, BASE, extra={"ucla-psma-pet.yaml": first_row})) == 3  # valid
    with pytest.raises(CompendiumError) as error:
        load(tmp_path, BASE, extra={"ucla-psma-pet.yaml": first_row.replace("id: psma-n", "id: psma-n\n    id: psma-m")})
    assert "ucla-psma-pet.yaml:4: id of claim psma-n: appears twice" in str(error.value)
    # The same id twice (the id prefix keeps each document's ids in its own file): the later row
    # is named, with the place of the first.
    with pytest.raises(CompendiumError) as error:
        load(tmp_path, BASE.replace("id: huang-ct-sens", "id: huang-n"), extra={"ucla-psma-pet.yaml": first_row})
    text = str(error.value)
    assert text == f"{tmp_path / 'claims' / FILE}:9: id: 'huang-n' is already the id of the claim at {tmp_path / 'claims' / FILE}:3"


def test_missing_folder_and_empty_file(tmp_path):
    with pytest.raises(CompendiumError, match="does not exist"):
        load_registry(tmp_path / "nowhere")
    with pytest.raises(CompendiumError, match=r":1: document: the file is empty"):
        load(tmp_path, "")


def test_the_fixture_exercises_the_main_checks():
    # Guards against a fixture edit that silently drops the kinds of row the ledger tests rely on.
    claims = load_registry(FIXTURES / "claims", FIXTURES / "references.bib")
    assert {c.check for c in claims} == {"none", "percentage", "fraction", "mcnemar_from_marginals", "mcnemar",
                                         "chi2_pvalue", "quoted", "difference"}
    assert [c.source for c in claims if c.check == "quoted"] == ["maffione2015diagnostic"]
