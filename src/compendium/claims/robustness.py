"""Verdict robustness: the ledger rerun under other analysis choices, and the verdicts that flip.

The ledger's analysis choices (:class:`compendium.claims.AnalysisChoices`: rounding rule,
McNemar variants, Bowker degrees of freedom, interval method, significance level, the
reading of an open text) are varied one at a time away from the published defaults, as
:data:`~compendium.claims.DEFAULT_ROBUSTNESS_GRID` lists them. Each variant is one whole
ledger run, a task of its own (on Dask with ``mapper=dask_map(client)``); a claim is
*stable* when every variant gives it the default's verdict, and otherwise the variants
that flip it are named.

Varying one choice at a time names the choice behind each flip; the grid's full product
would multiply the runs (hundreds) without saying more about any single choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from compendium.claims import DEFAULT_ROBUSTNESS_GRID, AnalysisChoices
from compendium.claims.ledger import _write_csv, build_ledger
from compendium.claims.registry import Claim, load_registry
from compendium.paths import build_dir

DEFAULT_LABEL = "default"


def variants(grid: dict[str, list] | None = None) -> dict[str, AnalysisChoices]:
    """The default choices and each one-choice departure from them, labelled ``field=value``.

    >>> labels = list(variants({"alpha": [0.01, 0.1], "bowker_df": [1]}))
    >>> labels
    ['default', 'alpha=0.01', 'alpha=0.1', 'bowker_df=1']
    """
    grid = DEFAULT_ROBUSTNESS_GRID if grid is None else grid
    default = AnalysisChoices()
    runs = {DEFAULT_LABEL: default}
    for field, alternatives in grid.items():
        if not hasattr(default, field):
            raise ValueError(f"grid: {field!r} is not an analysis choice")
        for value in alternatives:
            runs[f"{field}={_text(value)}"] = replace(default, **{field: value})  # validates the value
    return runs


def _text(value: Any) -> str:
    return "+".join(map(str, value)) if isinstance(value, tuple) else f"{value:g}" if isinstance(value, float) else str(value)


def _verdicts(claims: list[Claim], choices: AnalysisChoices) -> pd.Series:
    """One ledger run's verdict per claim id (a task: module-level so that Dask can ship it)."""
    return build_ledger(claims, choices=choices).set_index("claim_id")["verdict"]


def verdicts_by_choice(grid: dict[str, list] | None = None, mapper: Callable[[Callable, Iterable], Any] = map,
                       claims: list[Claim] | None = None) -> pd.DataFrame:
    """Tidy table: one row per variant and claim (``choice``, ``claim_id``, ``document``, ``verdict``)."""
    runs = variants(grid)
    claims = load_registry() if claims is None else claims
    results = list(mapper(partial(_verdicts, claims), list(runs.values())))
    documents = {claim.id: claim.document for claim in claims}
    frame = pd.concat(dict(zip(runs, results)), names=["choice", "claim_id"]).rename("verdict").reset_index()
    return frame.assign(document=frame["claim_id"].map(documents))[["choice", "claim_id", "document", "verdict"]]


def flips(by_choice: pd.DataFrame) -> pd.DataFrame:
    """One row per claim: its default verdict, every verdict it takes, and the choices that flip it.

    >>> by_choice = pd.DataFrame({"choice": ["default", "alpha=0.01", "default", "alpha=0.01"],
    ...                           "claim_id": ["a", "a", "b", "b"], "document": ["d"] * 4,
    ...                           "verdict": ["reproduced", "inconsistent", "given", "given"]})
    >>> flips(by_choice)[["claim_id", "stable", "flipped_by"]].to_dict("records")
    [{'claim_id': 'a', 'stable': False, 'flipped_by': 'alpha=0.01 → inconsistent'}, {'claim_id': 'b', 'stable': True, 'flipped_by': ''}]
    """
    default = by_choice[by_choice["choice"] == DEFAULT_LABEL].set_index("claim_id")
    rows = []
    for claim_id, group in by_choice.groupby("claim_id", sort=False):
        base = default.loc[claim_id, "verdict"]
        changed = group[group["verdict"] != base]
        rows.append({
            "claim_id": claim_id,
            "document": default.loc[claim_id, "document"],
            "default": base,
            "verdicts": " / ".join(dict.fromkeys([base, *changed["verdict"]])),
            "stable": changed.empty,
            "flipped_by": "; ".join(f"{c} → {v}" for c, v in zip(changed["choice"], changed["verdict"])),
        })
    return pd.DataFrame(rows)


def flips_by_choice(by_choice: pd.DataFrame) -> pd.DataFrame:
    """For each variant, how many claims it flips, and from which verdict to which."""
    default = by_choice[by_choice["choice"] == DEFAULT_LABEL].set_index("claim_id")["verdict"]
    varied = by_choice[by_choice["choice"] != DEFAULT_LABEL]
    moved = varied[varied["verdict"].to_numpy() != default.reindex(varied["claim_id"]).to_numpy()]
    counts = (moved.assign(change=default.reindex(moved["claim_id"]).to_numpy() + " → " + moved["verdict"])
              .groupby(["choice", "change"], sort=False).size().rename("claims").reset_index())
    order = {label: i for i, label in enumerate(dict.fromkeys(by_choice["choice"]))}
    return counts.sort_values("choice", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def main_robustness(out: str | None, mapper: Callable[[Callable, Iterable], Any] = map) -> Path:
    """`compendium ledger --robustness`: write the verdict of every claim under every variant, summarise."""
    by_choice = verdicts_by_choice(mapper=mapper)
    path = _write_csv(by_choice, out if out is not None else build_dir() / "ledger" / "robustness.csv")
    table = flips(by_choice)
    print(f"{path}: {int(table['stable'].sum())} of {len(table)} claims keep their verdict under all "
          f"{by_choice['choice'].nunique() - 1} alternative choices; {int((~table['stable']).sum())} flip")
    for row in flips_by_choice(by_choice).itertuples():
        print(f"  {row.choice}: {row.claims} claim(s) {row.change}")
    return path


def flips_figure(by_choice: pd.DataFrame):
    """Claims each alternative choice flips, split by the change of verdict (zero bars included)."""
    import matplotlib.pyplot as plt

    changes = flips_by_choice(by_choice)
    order = [label for label in dict.fromkeys(by_choice["choice"]) if label != DEFAULT_LABEL]
    counts = (changes.pivot_table(index="choice", columns="change", values="claims", aggfunc="sum", fill_value=0,
                                  sort=False) if not changes.empty else pd.DataFrame({"no change": 0}, index=order))
    counts = counts.reindex(order, fill_value=0).iloc[::-1]  # first choice on top
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(order) + 1.4))
    counts.plot.barh(stacked=True, ax=ax, width=0.7, colormap="tab10")
    ax.set_xlabel("claims whose verdict changes")
    ax.set_ylabel("")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, loc="lower right", title="default → this choice", title_fontsize=8)
    fig.tight_layout()
    return fig
