"""The registry of check functions that registry rows name in ``check.fn``.

A check is a plain function ``fn(claim, **args)`` registered with ``@check("name")``.
It receives the claim with ``claim.reported`` parsed (a :class:`~compendium.stats.Reported`,
or the printed text when that is not a single number) and the row's arguments, in which
every ``"@<claim id>"`` has been replaced by that claim's parsed printed number; the run's
:class:`~compendium.claims.choices.AnalysisChoices` is ``claim.choices`` (read it with
:func:`compendium.claims.checks.args.choices`). It returns
``(recomputed, verdict, note)``: the recomputed value as text, one of ``VERDICTS`` and one
sentence with the numbers (required for inconsistent and unverifiable verdicts).
"""

from __future__ import annotations

import importlib
from typing import Callable

from compendium.claims import VERDICTS

REPRODUCED, CONSISTENT, GIVEN, INCONSISTENT, UNVERIFIABLE = VERDICTS

CHECKS: dict[str, Callable] = {}


def check(name: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as the check called ``name`` in registry rows."""

    def register(fn: Callable) -> Callable:
        if name in CHECKS or name == "none":
            raise ValueError(f"name {name!r} is already a registered check")
        CHECKS[name] = fn
        return fn

    return register


# The core checks, then one module per document written by that chapter's author. A document
# module that does not exist yet is skipped; any other import error is a real bug and propagates.
DOCUMENT_MODULES = ("newsletter", "psma", "mskpain", "huang", "bonemets")

from compendium.claims.checks import core, tables  # noqa: E402  (register the core and table checks)

for _module in DOCUMENT_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_module}":
            raise
