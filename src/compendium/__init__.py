"""Reproducible re-analysis of five PET/MR and nuclear-medicine documents.

Sub-packages: :mod:`compendium.stats` (statistics), :mod:`compendium.phantoms`
(synthetic imaging), :mod:`compendium.claims` (registry and ledger) and
:mod:`compendium.pipeline` (parameterised execution and book build).
"""

__version__ = "0.1.0"
