"""Load and validate the claims registry: ``data/claims/<document id>.yaml``, one file per document.

Schema of one file (every field required unless marked optional)::

    document: huang2021-liver-petmr            # equals the file name stem; one of DOCUMENTS
    claims:
      - id: huang-lesion-ct-sensitivity        # [a-z0-9-]+, the document's prefix, unique across files
        location: "Table 1, CT row, sensitivity column"
        quantity: "Lesion-level sensitivity of contrast-enhanced CT"
        reported: "74.9%"                      # exactly as printed, a quoted string
        unit: "%"                              # may be ""
        check:
          fn: percentage                       # a check in compendium.claims.checks
          args: {numerator: 134, denominator: "@huang-lesion-n"}   # plain data; "@id" = that claim's number
        source: null                           # optional key of data/references.bib
      - id: huang-...
        check: {fn: none, reason: "Why it cannot be checked."}

Nothing is evaluated. Every problem raises :class:`~compendium.errors.CompendiumError` with
one line ``file:line: <field> of claim <id>: <problem>``; line numbers come from the YAML nodes.
"""

from __future__ import annotations

import difflib
import inspect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from compendium.claims import DOCUMENTS, ID_PREFIXES
from compendium.claims.checks import CHECKS
from compendium.claims.printed import printed_number
from compendium.errors import CompendiumError
from compendium.paths import data_dir, project_root

NONE = "none"  # the check name for a claim that cannot be checked; takes a reason instead of args
REQUIRED = ("id", "location", "quantity", "reported", "unit", "check")
OPTIONAL = ("source",)
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REFERENCE = re.compile(r"^@(?P<id>.+)$")
# BibTeX entry keys ("@article{key,"); @string/@comment/@preamble carry no key.
BIB_KEY = re.compile(r"@(?!string|comment|preamble)\w+\s*[{(]\s*([^,\s]+)\s*,", re.IGNORECASE)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Claim:
    """One registry row. ``reported`` is the printed text; ``args`` keep their ``"@id"`` strings."""

    id: str
    document: str
    location: str
    quantity: str
    reported: str
    unit: str
    check: str
    args: dict[str, Any] = field(hash=False)
    source: str | None
    file: Path
    line: int
    reason: str | None = None  # why a ``none`` check cannot be checked

    @property
    def where(self) -> str:
        """``file:line`` of the row, the file relative to the project when inside it."""
        return f"{_shown(self.file)}:{self.line}"


def _shown(path: Path) -> Path:
    """``path`` relative to the project when inside it, as error messages name files."""
    try:
        return path.resolve().relative_to(project_root())
    except ValueError:
        return path


def references(text: str) -> list[str]:
    """Every ``"@<claim id>"`` inside a registry argument (strings, lists, mappings)."""
    if isinstance(text, str):
        match = REFERENCE.match(text)
        return [match["id"]] if match else []
    if isinstance(text, dict):
        return [ref for value in text.values() for ref in references(value)]
    if isinstance(text, list):
        return [ref for value in text for ref in references(value)]
    return []


def bib_keys(path: Path) -> set[str]:
    """The entry keys of a BibTeX file, lower-cased (BibTeX keys are case-insensitive)."""
    return {key.lower() for key in BIB_KEY.findall(path.read_text(encoding="utf-8"))}


class _File:
    """One registry file being read: its path and the error format that names it."""

    def __init__(self, path: Path):
        self.path, self.name = path, _shown(path)

    def error(self, node: yaml.Node, field_name: str, problem: str, claim_id: str | None = None) -> CompendiumError:
        owner = f" of claim {claim_id}" if claim_id else ""
        return CompendiumError(f"{self.name}:{node.start_mark.line + 1}: {field_name}{owner}: {problem}")

    def mapping(self, node: yaml.Node, field_name: str, claim_id: str | None = None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """A YAML mapping as ``key -> (key node, value node)``, rejecting non-string and repeated keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, field_name, "must be a mapping", claim_id)
        items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
                raise self.error(key, field_name or "mapping", "keys must be strings", claim_id)
            if key.value in items:
                raise self.error(key, f"{field_name}.{key.value}" if field_name else key.value, "appears twice", claim_id)
            items[key.value] = (key, value)
        return items

    def string(self, node: yaml.Node, field_name: str, claim_id: str | None, empty_ok: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            raise self.error(node, field_name, f"must be a quoted string, got {_describe(node)}", claim_id)
        if not empty_ok and not node.value.strip():
            raise self.error(node, field_name, "must not be empty", claim_id)
        return node.value


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return f"{node.tag.rsplit(':', 1)[-1]} {node.value!r}"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _plain(node: yaml.Node) -> Any:
    """Plain Python data from a YAML node with the safe constructor (no tags, nothing evaluated)."""
    return _Loader("").construct_object(node, deep=True)


def _read_claim(file: _File, document: str, node: yaml.Node, index: int, keys: set[str]) -> tuple[Claim, dict[str, yaml.Node]]:
    """One row, validated on its own; returns the claim and the nodes of its arguments (for later checks)."""
    # The row's id, read first so that every later message can name the claim.
    raw_id = next((value.value for key, value in getattr(node, "value", []) if isinstance(value, yaml.ScalarNode)
                   and getattr(key, "value", None) == "id"), None) if isinstance(node, yaml.MappingNode) else None
    items = file.mapping(node, f"claims[{index}]" if raw_id is None else "", raw_id)
    claim_id = None
    if "id" in items:
        claim_id = file.string(items["id"][1], "id", None)
        prefix = ID_PREFIXES[document]
        if not ID_PATTERN.match(claim_id):
            raise file.error(items["id"][1], "id", f"{claim_id!r} must be lower-case letters, digits and single hyphens")
        if not claim_id.startswith(prefix):
            raise file.error(items["id"][1], "id", f"{claim_id!r} must start with {prefix!r} in {document}")
    for name in REQUIRED:
        if name not in items:
            raise file.error(node, name, "is missing", claim_id)
    for name, (key, _) in items.items():
        if name not in REQUIRED + OPTIONAL:
            raise file.error(key, name, f"is not a field (fields: {', '.join(REQUIRED + OPTIONAL)})", claim_id)
    text = {name: file.string(items[name][1], name, claim_id, empty_ok=name == "unit")
            for name in ("location", "quantity", "reported", "unit")}

    source = None
    if "source" in items and items["source"][1].tag != _NULL:
        source = file.string(items["source"][1], "source", claim_id)
        if source.lower() not in keys:
            raise file.error(items["source"][1], "source", f"{source!r} is not a key of the bibliography", claim_id)

    check_node = items["check"][1]
    recipe = file.mapping(check_node, "check", claim_id)
    if "fn" not in recipe:
        raise file.error(check_node, "check.fn", "is missing", claim_id)
    fn = file.string(recipe["fn"][1], "check.fn", claim_id)
    allowed = ("fn", "reason") if fn == NONE else ("fn", "args")
    for name, (key, _) in recipe.items():
        if name not in allowed:
            raise file.error(key, f"check.{name}", f"is not allowed with fn {fn!r} (allowed: {', '.join(allowed)})", claim_id)
    reason, args, arg_nodes = None, {}, {}
    if fn == NONE:
        if "reason" not in recipe:
            raise file.error(check_node, "check.reason", "is missing: say why the claim cannot be checked", claim_id)
        reason = file.string(recipe["reason"][1], "check.reason", claim_id)
    else:
        if fn not in CHECKS:
            close = difflib.get_close_matches(fn, list(CHECKS), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise file.error(recipe["fn"][1], "check.fn", f"unknown check {fn!r}{hint}", claim_id)
        if "args" in recipe:
            arg_nodes = {name: value for name, (_, value) in file.mapping(recipe["args"][1], "check.args", claim_id).items()}
            args = {name: _plain(value) for name, value in arg_nodes.items()}
        try:
            inspect.signature(CHECKS[fn]).bind(None, **args)
        except TypeError as exc:
            where = recipe["args"][1] if "args" in recipe else check_node
            raise file.error(where, "check.args", f"do not fit {fn}{_signature(fn)}: {exc}", claim_id) from None
    if fn == "quoted" and source is None:
        raise file.error(node, "source", "is required by the quoted check: name the outside source", claim_id)
    claim = Claim(id=claim_id, document=document, location=text["location"], quantity=text["quantity"],
                  reported=text["reported"], unit=text["unit"], check=fn, args=args, source=source,
                  file=file.path, line=node.start_mark.line + 1, reason=reason)
    return claim, arg_nodes


def _signature(fn: str) -> str:
    parameters = list(inspect.signature(CHECKS[fn]).parameters.values())[1:]  # without the claim
    return "(" + ", ".join(str(p) for p in parameters) + ")"


def _read_file(path: Path, keys: set[str]) -> list[tuple[Claim, _File, dict[str, yaml.Node], yaml.Node]]:
    file = _File(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{mark.line + 1}" if mark else "1"
        raise CompendiumError(f"{file.name}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CompendiumError(f"{file.name}: cannot be read ({exc})") from None
    if root is None:
        raise CompendiumError(f"{file.name}:1: document: the file is empty")
    top = file.mapping(root, "")
    for name in ("document", "claims"):
        if name not in top:
            raise file.error(root, name, "is missing")
    for name, (key, _) in top.items():
        if name not in ("document", "claims"):
            raise file.error(key, name, "is not a field (fields: document, claims)")
    document_node = top["document"][1]
    document = file.string(document_node, "document", None)
    if document not in DOCUMENTS:
        raise file.error(document_node, "document", f"{document!r} is not one of {', '.join(DOCUMENTS)}")
    if document != path.stem:
        raise file.error(document_node, "document", f"{document!r} must equal the file name stem {path.stem!r}")
    rows = top["claims"][1]
    if not isinstance(rows, yaml.SequenceNode):
        raise file.error(rows, "claims", "must be a list of claims")
    result = []
    for index, node in enumerate(rows.value):
        claim, arg_nodes = _read_claim(file, document, node, index, keys)
        result.append((claim, file, arg_nodes, node))
    return result


def load_registry(directory: Path | str | None = None, bibliography: Path | str | None = None) -> list[Claim]:
    """Every claim of every ``*.yaml`` file in ``directory``, validated, in file then row order.

    Parameters
    ----------
    directory : path, optional
        Folder of registry files; default ``data/claims``.
    bibliography : path, optional
        BibTeX file whose keys ``source`` may name; default ``data/references.bib``.

    Raises
    ------
    CompendiumError
        On the first problem, naming ``file:line`` and the field.
    """
    directory = Path(directory) if directory is not None else data_dir() / "claims"
    bibliography = Path(bibliography) if bibliography is not None else data_dir() / "references.bib"
    if not directory.is_dir():
        raise CompendiumError(f"{directory}: the claims registry folder does not exist")
    keys = bib_keys(bibliography) if bibliography.exists() else set()
    rows = [row for path in sorted(directory.glob("*.yaml")) for row in _read_file(path, keys)]

    seen: dict[str, Claim] = {}
    for claim, file, _, node in rows:
        if claim.id in seen:
            raise file.error(node, "id", f"{claim.id!r} is already the id of the claim at {seen[claim.id].where}")
        seen[claim.id] = claim

    for claim, file, arg_nodes, _ in rows:
        for name, value_node in arg_nodes.items():
            for ref in references(claim.args[name]):
                if ref not in seen:
                    raise file.error(value_node, f"check.args.{name}", f"'@{ref}' is not a claim id", claim.id)
                try:
                    printed_number(seen[ref].reported)
                except ValueError:
                    raise file.error(value_node, f"check.args.{name}",
                                     f"'@{ref}' prints {seen[ref].reported!r}, which is not a single number",
                                     claim.id) from None
    return [claim for claim, *_ in rows]


@lru_cache(maxsize=None)
def document_claims(document: str) -> dict[str, Claim]:
    """The claims of one document by id, loaded once per process (the registry is read-only input)."""
    if document not in DOCUMENTS:
        raise ValueError(f"document must be one of {', '.join(DOCUMENTS)}, got {document!r}")
    return {claim.id: claim for claim in load_registry() if claim.document == document}


def printed_text(document: str, claim_id: str) -> str:
    """The text ``claim_id`` of ``document`` prints, exactly as stored in the registry."""
    try:
        return document_claims(document)[claim_id].reported
    except KeyError:
        raise ValueError(f"claim_id {claim_id!r} is not in the {document} registry") from None


def printed_value(document: str, claim_id: str) -> float:
    """The number ``claim_id`` of ``document`` prints (a percentage as printed: "74.9%" -> 74.9)."""
    return float(printed_number(printed_text(document, claim_id)).value)
