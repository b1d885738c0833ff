"""The claims ledger: every registry row rechecked, one verdict each, without executing notebooks.

``compendium ledger [--out PATH]`` calls :func:`main_ledger`, which writes
``_build/ledger/claims.csv`` with the columns of ``COLUMNS``. Chapters show their own rows
with ``HTML(ledger_table_html(ledger_slice(document)))``; the appendix shows them all.
"""

from __future__ import annotations

import html
import os
import tempfile
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from compendium.claims import DOCUMENTS, VERDICT_DEFINITIONS, VERDICTS
from compendium.claims.checks import CHECKS, INCONSISTENT, UNVERIFIABLE
from compendium.claims.choices import DEFAULT_CHOICES, AnalysisChoices
from compendium.claims.printed import printed_number, reported_for_checks
from compendium.claims.registry import NONE, REFERENCE, Claim, load_registry
from compendium.errors import CompendiumError
from compendium.paths import build_dir

COLUMNS = ("claim_id", "document", "location", "quantity", "reported", "recomputed", "verdict", "note")
HEADINGS = ("Claim", "Document", "Location", "Quantity", "Reported", "Recomputed", "Verdict", "Note")
# Colour-blind-safe (Okabe-Ito) colours, one per verdict, shared by the figure and the table's CSS.
VERDICT_COLOURS = {"reproduced": "#009E73", "consistent": "#56B4E9", "given": "#E69F00",
                   "inconsistent": "#D55E00", "unverifiable": "#999999"}
# Errors a check raises on arguments it cannot use; they become a registry error naming the row.
_CHECK_ERRORS = (ValueError, TypeError, ArithmeticError, KeyError, IndexError)


def _resolve(value, by_id: dict[str, Claim]):
    """Replace every ``"@<claim id>"`` in an argument by that claim's printed number (registry-validated)."""
    if isinstance(value, str):
        match = REFERENCE.match(value)
        return printed_number(by_id[match["id"]].reported) if match else value
    if isinstance(value, dict):
        return {key: _resolve(item, by_id) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, by_id) for item in value]
    return value


def run_check(claim: Claim, by_id: dict[str, Claim],
              choices: AnalysisChoices | None = None) -> tuple[str, str, str]:
    """``(recomputed, verdict, note)`` of one claim; ``by_id`` holds every claim its arguments may name.

    ``choices`` (default :data:`~compendium.claims.choices.DEFAULT_CHOICES`) travels with the
    claim to its check as ``claim.choices``.
    """
    if claim.check == NONE:
        return "", UNVERIFIABLE, claim.reason
    choices = DEFAULT_CHOICES if choices is None else choices
    if not isinstance(choices, AnalysisChoices):
        raise CompendiumError(f"choices must be an AnalysisChoices, got {type(choices).__name__}")
    view = SimpleNamespace(**{f.name: getattr(claim, f.name) for f in fields(claim)}, where=claim.where,
                           choices=choices, by_id=by_id)
    view.reported, view.args = reported_for_checks(claim.reported), _resolve(claim.args, by_id)
    try:
        result = CHECKS[claim.check](view, **view.args)
    except _CHECK_ERRORS as exc:
        raise CompendiumError(f"{claim.where}: check.args of claim {claim.id}: {claim.check} failed: {exc}") from exc
    if not (isinstance(result, tuple) and len(result) == 3 and all(isinstance(part, str) for part in result)):
        raise CompendiumError(f"{claim.where}: check {claim.check} returned {result!r}, not three strings")
    recomputed, verdict, note = result
    if verdict not in VERDICTS:
        raise CompendiumError(f"{claim.where}: check {claim.check} returned verdict {verdict!r}, not one of {VERDICTS}")
    if verdict in (INCONSISTENT, UNVERIFIABLE) and not note.strip():
        raise CompendiumError(f"{claim.where}: check {claim.check} gave claim {claim.id} a {verdict} verdict without a note")
    return recomputed, verdict, note


def build_ledger(claims: list[Claim] | None = None, document: str | None = None,
                 choices: AnalysisChoices | None = None) -> pd.DataFrame:
    """One row per claim with ``COLUMNS``, sorted by document, then in registry order.

    ``claims`` defaults to :func:`load_registry`; ``document`` keeps only that document's rows
    (its checks may still refer to claims of other documents); ``choices`` are the analysis
    choices every check reads (default: the published ledger's).
    """
    claims = load_registry() if claims is None else claims
    by_id = {claim.id: claim for claim in claims}
    rows = [
        (claim.id, claim.document, claim.location, claim.quantity, claim.reported,
         *run_check(claim, by_id, choices))
        for claim in claims
        if document is None or claim.document == document
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.sort_values("document", kind="stable").reset_index(drop=True)


def ledger_slice(document: str) -> pd.DataFrame:
    """The ledger rows of one document, for its chapter."""
    if document not in DOCUMENTS:
        raise CompendiumError(f"document must be one of {', '.join(DOCUMENTS)}, got {document!r}")
    return build_ledger(document=document)


def write_ledger(path: Path | str | None = None, claims: list[Claim] | None = None) -> Path:
    """Write the ledger CSV (default ``_build/ledger/claims.csv``) atomically; returns its path."""
    return _write_csv(build_ledger(claims), path)


def _write_csv(frame: pd.DataFrame, path: Path | str | None) -> Path:
    path = Path(path) if path is not None else build_dir() / "ledger" / "claims.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file in the same folder, then a rename: readers never see half a ledger.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            frame.to_csv(stream, index=False, lineterminator="\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def verdict_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per document (rows, ledger order) and verdict (columns, all five always)."""
    documents = list(dict.fromkeys(df["document"]))
    counts = pd.crosstab(df["document"], df["verdict"]).reindex(index=documents, columns=list(VERDICTS), fill_value=0)
    counts.index.name, counts.columns.name = "document", "verdict"
    return counts.astype(int)


def summary(df: pd.DataFrame) -> str:
    """One line: how many claims, and how many of each verdict.

    >>> summary(pd.DataFrame({"verdict": ["reproduced", "inconsistent", "reproduced"]}))
    '3 claims: 2 reproduced, 0 consistent, 0 given, 1 inconsistent, 0 unverifiable'
    """
    totals = df["verdict"].value_counts()
    return f"{len(df)} claims: " + ", ".join(f"{int(totals.get(v, 0))} {v}" for v in VERDICTS)


def main_ledger(out: str | None) -> Path:
    """The ``compendium ledger`` command: write the CSV, print where and the counts by verdict."""
    frame = build_ledger()
    path = _write_csv(frame, out)
    print(f"{path}: {summary(frame)}")
    return path


def plot_verdict_counts(df: pd.DataFrame) -> Figure:
    """Horizontal stacked bars: for each document, its claims split by verdict, with the counts written in."""
    counts = verdict_counts(df).iloc[::-1]  # first document on top
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * len(counts) + 1.4))
    left = pd.Series(0, index=counts.index)
    for verdict in VERDICTS:
        bars = ax.barh(counts.index, counts[verdict], left=left, color=VERDICT_COLOURS[verdict], label=verdict)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in counts[verdict]], label_type="center",
                     color="white", fontsize=9)
        left = left + counts[verdict]
    ax.set_xlabel("Claims")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(ncols=5, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def verdict_definitions_html(df: pd.DataFrame) -> str:
    """The five verdicts as a table: each one's definition, then its count per document and in all."""
    counts = verdict_counts(df)
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in ("Verdict", "Meaning", *counts.index, "All"))
    body = "".join(
        f'<tr class="verdict-{verdict}" id="verdict-{verdict}"><th scope="row" class="verdict">{verdict}</th>'
        f"<td>{html.escape(VERDICT_DEFINITIONS[verdict])}</td>"
        + "".join(f"<td>{int(counts.loc[document, verdict])}</td>" for document in counts.index)
        + f"<td>{int(counts[verdict].sum())}</td></tr>"
        for verdict in VERDICTS
    )
    return f'<table class="ledger-verdicts"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def ledger_table_html(df: pd.DataFrame) -> str:
    """The ledger as an HTML table that ``_static/ledger-table.js`` makes searchable and sortable.

    Without JavaScript it is a plain table and the (hidden) search box stays hidden.
    """
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in HEADINGS)
    body = []
    for row in df[list(COLUMNS)].itertuples(index=False):
        cells = "".join(
            f'<td class="verdict">{html.escape(str(v))}</td>' if name == "verdict" else f"<td>{html.escape(str(v))}</td>"
            for name, v in zip(COLUMNS, row)
        )
        body.append(f'<tr class="verdict-{html.escape(row.verdict)}">{cells}</tr>')
    return (
        '<div class="ledger-table-wrapper">'
        '<p class="ledger-controls" hidden><label>Filter claims '
        '<input type="search" class="ledger-search" placeholder="id, word or verdict" autocomplete="off"></label> '
        '<span class="ledger-shown" aria-live="polite"></span></p>'
        f'<table class="ledger-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        "</div>"
    )
