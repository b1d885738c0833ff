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
VERDICTS = ("reproduced", "inconsistent", "unverifiable")
