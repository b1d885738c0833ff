"""The claims registry (``data/claims/<document>.yaml``) and the ledger that rechecks it.

Every number a document states as a finding is one registry row with a check recipe:
the name of a check function in :mod:`compendium.claims.checks` and its arguments as
plain data. :mod:`compendium.claims.registry` loads and validates the rows;
:mod:`compendium.claims.ledger` runs every check and writes the ledger CSV.
"""

# The five documents, in the order of the source texts, with the id prefix their claims carry.
DOCUMENTS = (
    "ucla-petmr-newsletter",
    "ucla-psma-pet",
    "auntminnie-msk-pain-petmr",
    "huang2021-liver-petmr",
    "medscape-bone-metastases",
)
ID_PREFIXES = {
    "ucla-petmr-newsletter": "newsletter-",
    "ucla-psma-pet": "psma-",
    "auntminnie-msk-pain-petmr": "mskpain-",
    "huang2021-liver-petmr": "huang-",
    "medscape-bone-metastases": "bonemets-",
}
# The five verdicts, in the order the ledger counts them (definitions: VERDICT_DEFINITIONS).
VERDICTS = ("reproduced", "consistent", "given", "inconsistent", "unverifiable")
VERDICT_DEFINITIONS = {
    "reproduced": "recomputed from numbers other than the printed one (other cells and margins of the "
                  "document, the stated cohort, a stored table, a source's own counts) and agreeing at the "
                  "printed precision.",
    "consistent": "possible but not determined by the document: a percentage attainable with the stated n, "
                  "a bound that holds, a P value that some feasible table gives when the table itself cannot "
                  "be recovered, a quoted figure that matches its source.",
    "given": "the document's own raw data, which nothing else in it determines (a count no margin fixes); "
             "recorded and used by other checks, not counted as reproduced.",
    "inconsistent": "fails under every reading the document's text allows; the note names the reading and "
                    "the nearest attainable value.",
    "unverifiable": "the document gives too little to check it; the note says what is missing.",
}

# The analysis choices every check reads (after VERDICTS: the checks import them from here).
from compendium.claims.choices import DEFAULT_CHOICES, DEFAULT_ROBUSTNESS_GRID, AnalysisChoices  # noqa: E402
