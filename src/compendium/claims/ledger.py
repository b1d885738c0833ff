"""The claims ledger: every registry row rechecked, one verdict each, without executing notebooks.

``compendium ledger [--out PATH]`` calls :func:`main_ledger`, which writes
``_build/ledger/claims.csv`` with the columns of ``COLUMNS``. Chapters show their own rows
with ``HTML(ledger_table_html(ledger_slice(document)))``; the appendix shows them all.
"""

from __future__ import annotations

import html
import sys
from dataclasses import fields
from functools import lru_cache
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
from compendium.pipeline.files import write_output

COLUMNS = ("claim_id", "document", "location", "quantity", "reported", "recomputed", "verdict", "note", "registry")
HEADINGS = ("Claim", "Document", "Location", "Quantity", "Reported", "Recomputed", "Verdict", "Note")
# Each document's claims page (where its rows and their anchors are), relative to the book root.
CLAIMS_PAGES = {
    "ucla-petmr-newsletter": "chapters/ucla-petmr-newsletter/claims",
    "ucla-psma-pet": "chapters/ucla-psma-pet/claims",
    "auntminnie-msk-pain-petmr": "chapters/auntminnie-msk-pain-petmr/checks",
    "huang2021-liver-petmr": "chapters/huang2021-liver-petmr/claims",
    "medscape-bone-metastases": "chapters/medscape-bone-metastases/checks",
}
LEDGER_PAGE = "appendix/ledger"
# The committed verdict snapshot (claim id -> verdict) that the regression test compares with.
SNAPSHOT = Path("ledger") / "verdicts.csv"
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
         *run_check(claim, by_id, choices), str(claim.where))
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
    # Atomic for regular files (readers never see half a ledger); devices written through.
    path = build_dir() / "ledger" / "claims.csv" if path is None else path
    return write_output(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def verdict_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per document (rows, ledger order) and verdict (columns, all five always)."""
    documents = list(dict.fromkeys(df["document"]))
    counts = pd.crosstab(df["document"], df["verdict"]).reindex(index=documents, columns=list(VERDICTS), fill_value=0)
    counts.index.name, counts.columns.name = "document", "verdict"
    return counts.astype(int)


def verdict_glue(df: pd.DataFrame, prefix: str) -> dict[str, int]:
    """Values a page glues for its verdict sentence: ``<prefix>-total`` and ``<prefix>-<verdict>``
    for each of the five verdicts (zeros included).

    >>> verdict_glue(pd.DataFrame({"document": ["d", "d"], "verdict": ["given", "reproduced"]}), "x")["x-given"]
    1
    """
    totals = verdict_counts(df).sum()
    return {f"{prefix}-total": len(df)} | {f"{prefix}-{verdict}": int(totals[verdict]) for verdict in VERDICTS}


def summary(df: pd.DataFrame) -> str:
    """One line: how many claims, and how many of each verdict.

    >>> summary(pd.DataFrame({"verdict": ["reproduced", "inconsistent", "reproduced"]}))
    '3 claims: 2 reproduced, 0 consistent, 0 given, 1 inconsistent, 0 unverifiable'
    """
    totals = df["verdict"].value_counts()
    return f"{len(df)} claims: " + ", ".join(f"{int(totals.get(v, 0))} {v}" for v in VERDICTS)


def main_ledger(out: str | None, diff: bool = False, snapshot: bool = False) -> Path:
    """The ``compendium ledger`` command: write the CSV, print where and the counts by verdict.

    ``diff`` then prints one line per verdict that differs from the committed snapshot
    (``ledger/verdicts.csv``); ``snapshot`` rewrites that snapshot from this ledger.
    """
    frame = build_ledger()
    path = _write_csv(frame, out)
    # Written through to a device or pipe (--out /dev/stdout): stdout must stay the CSV alone.
    report = sys.stdout if path.is_file() else sys.stderr
    print(f"{path}: {summary(frame)}", file=report)
    if diff:
        changes = verdict_changes(read_snapshot(), frame)
        print("\n".join(changes) if changes else f"no verdict differs from {SNAPSHOT}", file=report)
    if snapshot:
        print(f"{write_snapshot(frame)}: verdict snapshot rewritten", file=report)
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


def cite_text(claim_id: str) -> str:
    """How to cite one claim: its id, the compendium's version and the commit that built it.

    Outside a git checkout the commit reads "unknown".
    """
    release, commit = _release_and_commit()
    return f"Claim {claim_id}, PET/MR claims compendium version {release}, commit {commit}."


@lru_cache(maxsize=1)  # the ledger page cites every row: ask git once, not twice per claim
def _release_and_commit() -> tuple[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from compendium.pipeline.cache import git_state

    try:
        release = version("compendium")
    except PackageNotFoundError:
        release = "unknown"
    return release, git_state()["commit"]


def ledger_table_html(df: pd.DataFrame, page: str | None = None) -> str:
    """The ledger as an HTML table that ``_static/ledger-table.js`` makes searchable and sortable.

    Every row has the anchor ``#<claim id>``. ``page`` is the book page that shows the table
    (``LEDGER_PAGE`` or a ``CLAIMS_PAGES`` value): on the ledger page a claim links to its row on
    its chapter's claims page and offers its citation; on a chapter page it links to the ledger
    row. Both show the registry file and line. Without JavaScript it is a plain table and the
    (hidden) search box stays hidden.
    """
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in HEADINGS)
    depth = page.count("/") if page else 0
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for name in COLUMNS[:-1]:
            value = html.escape(str(getattr(row, name)))
            if name == "claim_id":
                cells.append(f"<td>{_claim_cell(row, page, depth)}</td>")
            elif name == "verdict":
                cells.append(f'<td class="verdict">{value}</td>')
            else:
                cells.append(f"<td>{value}</td>")
        claim_id = html.escape(row.claim_id)
        body.append(f'<tr id="{claim_id}" class="verdict-{html.escape(row.verdict)}">{"".join(cells)}</tr>')
    return (
        '<div class="ledger-table-wrapper">'
        '<p class="ledger-controls" hidden><label>Filter claims '
        '<input type="search" class="ledger-search" placeholder="id, word or verdict" autocomplete="off"></label> '
        '<span class="ledger-shown" aria-live="polite"></span></p>'
        f'<table class="ledger-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        "</div>"
    )


def _claim_cell(row, page: str | None, depth: int) -> str:
    """The id (a link to the same claim on the other page), its registry file:line, and on the
    ledger page a "cite" disclosure with the citation text."""
    claim_id = html.escape(row.claim_id)
    up = "../" * depth
    if page == LEDGER_PAGE:
        target = f"{up}{CLAIMS_PAGES[row.document]}.html#{claim_id}"
        title = "this claim in its chapter"
    elif page is not None:
        target, title = f"{up}{LEDGER_PAGE}.html#{claim_id}", "this claim in the ledger"
    else:
        target, title = f"#{claim_id}", "link to this claim"
    cell = (f'<a class="claim-link" href="{target}" title="{title}">{claim_id}</a>'
            f'<br><code class="claim-registry">{html.escape(str(getattr(row, "registry", "")))}</code>')
    if page == LEDGER_PAGE:
        cell += (f'<details class="claim-cite"><summary>cite</summary>'
                 f'<code>{html.escape(cite_text(row.claim_id))}</code></details>')
    return cell


def verdict_snapshot(df: pd.DataFrame) -> pd.DataFrame:
    """The committed form of the verdicts: ``claim_id, verdict``, sorted by claim id."""
    return df[["claim_id", "verdict"]].sort_values("claim_id", kind="stable").reset_index(drop=True)


def read_snapshot(path: Path | str | None = None) -> pd.DataFrame:
    """The committed verdict snapshot (default ``ledger/verdicts.csv`` of the project)."""
    from compendium.paths import project_root

    path = Path(path) if path is not None else project_root() / SNAPSHOT
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise CompendiumError(f"{path}: the verdict snapshot cannot be read ({exc.strerror})") from None
    if list(frame.columns) != ["claim_id", "verdict"]:
        raise CompendiumError(f"{path}: the verdict snapshot must have the columns claim_id, verdict")
    return frame


def verdict_changes(snapshot: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    """One line per difference between a snapshot and the current verdicts, by claim id.

    >>> old = pd.DataFrame({"claim_id": ["a", "b"], "verdict": ["reproduced", "unverifiable"]})
    >>> new = pd.DataFrame({"claim_id": ["b", "c"], "verdict": ["given", "consistent"]})
    >>> verdict_changes(old, new)
    ['a: reproduced -> (removed)', 'b: unverifiable -> given', 'c: (new) -> consistent']
    """
    old = dict(zip(snapshot["claim_id"], snapshot["verdict"]))
    new = dict(zip(current["claim_id"], current["verdict"]))
    return [f"{claim_id}: {old.get(claim_id, '(new)')} -> {new.get(claim_id, '(removed)')}"
            for claim_id in sorted(old.keys() | new.keys()) if old.get(claim_id) != new.get(claim_id)]


def write_snapshot(df: pd.DataFrame, path: Path | str | None = None) -> Path:
    """Rewrite the committed verdict snapshot from a ledger frame (atomically); returns its path."""
    from compendium.paths import project_root

    return _write_csv(verdict_snapshot(df), Path(path) if path is not None else project_root() / SNAPSHOT)
