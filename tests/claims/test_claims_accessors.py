"""The per-document accessors analyses use to read what a document prints."""

import pytest

from compendium.claims.registry import document_claims, printed_text, printed_value


def test_printed_text_is_stored_as_printed_and_value_reads_bound_words():
    assert printed_text("medscape-bone-metastases", "bonemets-radiograph-mineral-loss") == "more than 50%"
    assert printed_value("medscape-bone-metastases", "bonemets-radiograph-mineral-loss") == 50.0
    assert printed_value("ucla-psma-pet", "psma-deaths-2020") == 33000.0


def test_document_claims_hold_only_that_document():
    claims = document_claims("huang2021-liver-petmr")
    assert claims and all(c.document == "huang2021-liver-petmr" for c in claims.values())


def test_unknown_names_are_value_errors_naming_them():
    with pytest.raises(ValueError, match="claim_id 'nope' is not in the ucla-psma-pet registry"):
        printed_text("ucla-psma-pet", "nope")
    with pytest.raises(ValueError, match="document must be one of"):
        document_claims("no-such-document")
