"""The ledger's regression gate and the tests that no verdict is earned by a check that cannot fail.

- Identity: no ``reproduced`` row's check arguments consist only of its own printed numbers.
- Mutation: every ``reproduced`` or ``consistent`` row changes verdict when its printed number
  is moved well beyond its rounding (a bound in the direction that breaks it).
- Snapshot: the verdicts equal the committed ``ledger/verdicts.csv``; a change needs the
  snapshot updated (``compendium ledger --snapshot``), so it shows in the pull request's diff.
"""

import re
from dataclasses import replace

import pytest

from compendium.claims.ledger import (
    LEDGER_PAGE,
    _resolve,
    build_ledger,
    ledger_table_html,
    read_snapshot,
    run_check,
    verdict_changes,
    verdict_snapshot,
)
from compendium.claims.printed import printed_number
from compendium.claims.registry import NONE, load_registry

NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Rows whose arguments equal their printed numbers by coincidence, not by copying, and why.
COINCIDENCES = {
    "huang-crc-petmr-sensitivity": "PET 9/9 and MR 9/9 positive reads fix PET/MR at 9/9 by the either-positive rule",
}


@pytest.fixture(scope="module")
def registry():
    claims = load_registry()
    return claims, {claim.id: claim for claim in claims}


@pytest.fixture(scope="module")
def ledger(registry):
    return build_ledger(registry[0]).set_index("claim_id")


def _numbers(value) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if hasattr(value, "value"):
        return [float(value.value)]
    if isinstance(value, str):
        return [float(x) for x in NUMBER.findall(value.replace(",", ""))]
    if isinstance(value, dict):
        return [x for item in value.values() for x in _numbers(item)]
    if isinstance(value, (list, tuple)):
        return [x for item in value for x in _numbers(item)]
    return []


def test_no_reproduced_row_recomputes_only_its_own_printed_numbers(registry, ledger):
    claims, by_id = registry
    identities = []
    for claim in claims:
        if claim.check == NONE or ledger.loc[claim.id, "verdict"] != "reproduced" or claim.id in COINCIDENCES:
            continue
        arguments = _numbers(_resolve(claim.args, by_id))
        own = set(_numbers(claim.reported))
        if arguments and set(arguments) <= own:
            identities.append(f"{claim.id} ({claim.check} {claim.args})")
    assert not identities, "reproduced rows that only restate their printed numbers: " + "; ".join(identities)


def _mutations(text: str, check: str = "") -> list[str]:
    """Printed texts well beyond the rounding of ``text`` (bounds moved so that they break)."""
    if check == "huang_garbled_symbol":  # "χ²=0.001" is read as the bound P<0.001
        return ["χ²=1e-40"]
    fraction = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if fraction:
        k, n = int(fraction[1]), int(fraction[2])
        return [f"{k + n + 5}/{n}", f"{k}/{2 * n + 7}"]
    printed = printed_number(text)
    if printed.relation in ("<", "<="):
        return ["<1e-30"]
    if printed.relation in (">", ">="):
        return [">1e30"]
    decimals, suffix = max(printed.decimals, 0), "%" if printed.percent else ""
    value, unit = printed.value, 10.0 ** -decimals
    if printed.percent:
        candidates = [value - 40 if value >= 50 else value + 40, value - 23 if value >= 50 else value + 23, 100 - value / 2]
    else:
        candidates = [value * 3 + 7 * unit + 1, value / 3 + 5 * unit, value + 13]
    return [f"{c:.{decimals}f}{suffix}" for c in candidates if abs(c - value) > 4 * unit]


def test_every_reproduced_or_consistent_row_can_fail(registry, ledger):
    """Mutate each printed number (the row's and, for references to it, the copy its checks read)."""
    claims, by_id = registry
    survivors, tried = [], 0
    for claim in claims:
        verdict = ledger.loc[claim.id, "verdict"]
        if verdict not in ("reproduced", "consistent"):
            continue
        try:
            mutations = _mutations(claim.reported, claim.check)
        except ValueError:
            continue  # words such as "better than PET": nothing numeric to move
        tried += 1
        changed = False
        for text in mutations:
            mutated = replace(claim, reported=text)
            result = run_check(mutated, by_id | {claim.id: mutated})
            if result[1] != verdict:
                changed = True
                break
        if not changed:
            survivors.append(f"{claim.id} {claim.reported!r} -> {mutations}")
    assert tried > 200
    assert not survivors, "checks that did not fail on a mutated printed number: " + "; ".join(survivors)


def test_verdicts_match_the_committed_snapshot(ledger):
    changes = verdict_changes(read_snapshot(), verdict_snapshot(ledger.reset_index()))
    assert not changes, ("verdicts changed; review them and run `compendium ledger --snapshot`:\n"
                         + "\n".join(changes))


def test_every_claim_is_an_anchor_with_its_registry_line(ledger):
    frame = ledger.reset_index()
    page = ledger_table_html(frame, LEDGER_PAGE)
    for row in frame.itertuples():
        assert f'<tr id="{row.claim_id}"' in page
        assert row.registry in page and re.fullmatch(r"data/claims/[a-z0-9-]+\.yaml:\d+", row.registry)
    huang = frame[frame.document == "huang2021-liver-petmr"].iloc[0]
    assert f'href="../chapters/huang2021-liver-petmr/claims.html#{huang.claim_id}"' in page
    assert f"Claim {huang.claim_id}, PET/MR claims compendium version" in page
