"""Chapter parameter declarations: load, validate, resolve overrides.

Each notebook group (``chapters/<document id>/`` and ``appendix/``) declares its
notebooks and their parameters once, in ``params.yaml``::

    notebooks:
      reanalysis:                      # the notebook reanalysis.md beside this file
        title: Re-analysis of the accuracy tables
        parameters:
          ci_method:
            type: str                  # int | float | str | bool | list[int] | list[float]
            default: wilson
            choices: [wilson, clopper-pearson]
            description: Interval method for every proportion.
          seed: {type: int, default: 2021, min: 0, description: Seed for every random draw.}
          diameters_mm: {type: "list[float]", default: [4, 8], min: 1, max: 30, max_items: 6,
                         description: Lesion diameters.}   # lists need max_items; min_items is optional

Every limit a notebook relies on (range, choices, list length) is declared here and
checked before anything runs, so a notebook never discovers a bad parameter. Text from
the command line and params files is parsed strictly and bounded in size first.

The papermill ``parameters`` cell of each notebook is generated from these
defaults (:func:`parameters_cell_source`); the committed cell must match it.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compendium.errors import CompendiumError
from compendium.paths import project_root

TYPES = ("int", "float", "str", "bool", "list[int]", "list[float]")
_SPEC_KEYS = {"type", "default", "description", "min", "max", "choices", "min_items", "max_items"}
# Integers go to numpy, whose seeds and sizes are 64-bit: larger ones are refused up front.
INT_LIMIT = 2**63 - 1
# Longest parameter text and params file read at all; anything bigger is refused unread.
MAX_TEXT = 10_000
MAX_PARAMS_FILE_BYTES = 64 * 1024
# Number tokens as a reader writes them (ASCII digits; no '1_000', no '٣').
_INT_TOKEN = re.compile(r"[+-]?[0-9]+", re.ASCII)
_FLOAT_TOKEN = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.ASCII | re.IGNORECASE
)


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to about ``limit`` characters, so an error message stays one short line."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit])[:-1] + "…" + repr(value[:limit])[-1]
    text = repr(value)
    return text if len(text) <= limit + 2 else text[:limit] + "…"


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    min_items: int = 1
    max_items: int | None = None  # required for list types

    def describe_range(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        lo = "-inf" if self.min is None else f"{self.min:g}"
        hi = "inf" if self.max is None else f"{self.max:g}"
        return "any" if (self.min is None and self.max is None) else f"[{lo}, {hi}]"

    def describe_length(self) -> str:
        if self.min_items == self.max_items:
            return f"exactly {self.max_items} value{'s' if self.max_items != 1 else ''}"
        return f"{self.min_items} to {self.max_items} values"

    def parse(self, text: str) -> Any:
        """Turn a command-line string into a value of this parameter's type, then validate it.

        Strict: a list is ``4,6`` or ``[4, 6]``, its items separated by single commas; a
        number is one token (``"2 5"`` is not ``25``); anything else is a one-line error.
        """
        if len(text) > MAX_TEXT:
            raise CompendiumError(f"parameter {self.name!r}: value is {len(text)} characters long (at most {MAX_TEXT})")
        cannot = CompendiumError(f"parameter {self.name!r}: cannot read {shown(text)} as {self.type}")
        if self.type == "bool":
            low = text.strip().lower()
            if low not in {"true", "false", "1", "0", "yes", "no"}:
                raise cannot
            return self.validate(low in {"true", "1", "yes"})
        if self.type == "str":
            return self.validate(text)
        if self.type in ("int", "float"):
            return self.validate(self._read_number(text.strip(), self.type, cannot))
        body = text.strip()
        if body.startswith("[") or body.endswith("]"):
            if not (body.startswith("[") and body.endswith("]")):
                raise cannot
            body = body[1:-1]
        parts = body.split(",")
        if len(parts) > self.max_items:  # counted before any item is converted
            raise CompendiumError(
                f"parameter {self.name!r}: {len(parts)} values given, {self.describe_length()} allowed"
            )
        return self.validate([self._read_number(part.strip(), self.type[5:-1], cannot) for part in parts])

    def _read_number(self, token: str, kind: str, cannot: Exception) -> int | float:
        pattern = _INT_TOKEN if kind == "int" else _FLOAT_TOKEN
        if not pattern.fullmatch(token):
            raise cannot
        if kind == "int" and len(token.lstrip("+-")) > len(str(INT_LIMIT)):
            raise CompendiumError(f"parameter {self.name!r}: {shown(token, 30)} has more than 19 digits")
        return int(token) if kind == "int" else float(token)

    def validate(self, value: Any) -> Any:
        """Check type, length and range; return the value in canonical form (ints stay ints, floats become floats)."""
        value = self._coerce(value)
        items = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not self.min_items <= len(value) <= self.max_items:
            raise CompendiumError(
                f"parameter {self.name!r}: {len(value)} values given, {self.describe_length()} allowed"
            )
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise CompendiumError(f"parameter {self.name!r}: text is {len(value)} characters long (at most {MAX_TEXT})")
        for item in items:
            if self.choices and item not in self.choices:
                raise CompendiumError(
                    f"parameter {self.name!r}: {shown(item)} is not {self.describe_range()}"
                )
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                if not math.isfinite(item):
                    raise CompendiumError(f"parameter {self.name!r}: {item!r} is not finite")
                if isinstance(item, int) and abs(item) > INT_LIMIT:
                    raise CompendiumError(f"parameter {self.name!r}: {shown(item, 30)} is beyond 64-bit integers")
                if (self.min is not None and item < self.min) or (
                    self.max is not None and item > self.max
                ):
                    raise CompendiumError(
                        f"parameter {self.name!r}: {shown(item)} is outside {self.describe_range()}"
                    )
        return value

    def _coerce(self, value: Any) -> Any:
        wrong = CompendiumError(
            f"parameter {self.name!r}: expected {self.type}, got {type(value).__name__} {shown(value)}"
        )
        if self.type == "bool":
            if not isinstance(value, bool):
                raise wrong
            return value
        if self.type == "str":
            if not isinstance(value, str):
                raise wrong
            return value
        if self.type in ("int", "float"):
            return _number(value, self.type, wrong)
        if not isinstance(value, list) or not value:
            raise wrong
        return [_number(item, self.type[5:-1], wrong) for item in value]


def _number(value: Any, kind: str, wrong: Exception) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise wrong
    if kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise wrong
        return int(value)
    return float(value)


@dataclass(frozen=True)
class NotebookSpec:
    group: str
    name: str
    title: str
    source: Path
    params: dict[str, ParamSpec] = field(default_factory=dict)
    # Extra inputs to the cache key beyond code, parameters, src/, data and lock.
    depends_on_git: bool = False

    @property
    def label(self) -> str:
        return f"{self.group}/{self.name}"

    def defaults(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.params.items()}


@dataclass(frozen=True)
class NotebookGroup:
    name: str
    directory: Path
    notebooks: dict[str, NotebookSpec]

    def param_specs(self) -> dict[str, ParamSpec]:
        """Every parameter any notebook of the group declares (the same name means the same parameter)."""
        merged: dict[str, ParamSpec] = {}
        for nb in self.notebooks.values():
            merged.update(nb.params)
        return merged


def group_directories(root: Path | None = None) -> list[Path]:
    root = root or project_root()
    dirs = sorted(p.parent for p in (root / "chapters").glob("*/params.yaml"))
    if (root / "appendix" / "params.yaml").exists():
        dirs.append(root / "appendix")
    return dirs


def load_group(directory: Path) -> NotebookGroup:
    path = directory / "params.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CompendiumError(f"{path}: cannot read parameter declarations ({exc})") from None
    notebooks = raw.get("notebooks")
    if not isinstance(notebooks, dict) or not notebooks:
        raise CompendiumError(f"{path}: needs a non-empty 'notebooks' mapping")
    specs = {}
    for name, body in notebooks.items():
        body = body or {}
        source = directory / f"{name}.md"
        if not source.exists():
            raise CompendiumError(f"{path}: notebook {name!r} has no source {source.name}")
        params = {
            pname: _param_spec(path, name, pname, pbody)
            for pname, pbody in (body.get("parameters") or {}).items()
        }
        specs[name] = NotebookSpec(
            group=directory.name,
            name=name,
            title=str(body.get("title", name)),
            source=source,
            params=params,
            depends_on_git=bool(body.get("depends_on_git", False)),
        )
    group = NotebookGroup(directory.name, directory, specs)
    _check_shared_names(path, group)
    return group


def _param_spec(path: Path, nb: str, name: str, body: Any) -> ParamSpec:
    where = f"{path}: notebook {nb!r}, parameter {name!r}"
    if not isinstance(body, dict):
        raise CompendiumError(f"{where}: must be a mapping")
    unknown = set(body) - _SPEC_KEYS
    if unknown:
        raise CompendiumError(f"{where}: unknown key(s) {sorted(unknown)}")
    if body.get("type") not in TYPES:
        raise CompendiumError(f"{where}: type must be one of {', '.join(TYPES)}")
    if "default" not in body or not body.get("description"):
        raise CompendiumError(f"{where}: needs a default and a description")
    is_list = body["type"].startswith("list")
    if is_list != ("max_items" in body) or (not is_list and "min_items" in body):
        raise CompendiumError(f"{where}: list parameters, and only they, declare max_items (and may declare min_items)")
    lengths = (body.get("min_items", 1), body.get("max_items", 1))
    if not all(type(n) is int and n >= 1 for n in lengths) or lengths[0] > lengths[1]:
        raise CompendiumError(f"{where}: min_items and max_items must be whole numbers, 1 <= min_items <= max_items")
    spec = ParamSpec(
        name=name,
        type=body["type"],
        default=None,
        description=str(body["description"]),
        min=body.get("min"),
        max=body.get("max"),
        choices=tuple(body["choices"]) if body.get("choices") else None,
        min_items=lengths[0],
        max_items=body.get("max_items"),
    )
    try:
        default = spec.validate(body["default"])
    except CompendiumError as exc:
        raise CompendiumError(f"{where}: default is invalid ({exc})") from None
    return ParamSpec(**{**spec.__dict__, "default": default})


def _check_shared_names(path: Path, group: NotebookGroup) -> None:
    seen: dict[str, ParamSpec] = {}
    for nb in group.notebooks.values():
        for name, spec in nb.params.items():
            if name in seen and seen[name] != spec:
                raise CompendiumError(
                    f"{path}: parameter {name!r} is declared differently by two notebooks"
                )
            seen[name] = spec


def all_groups(root: Path | None = None) -> dict[str, NotebookGroup]:
    return {d.name: load_group(d) for d in group_directories(root)}


def find_group(name: str, root: Path | None = None) -> NotebookGroup:
    # Only this chapter's params.yaml is read: a sweep's worker calls this for every point.
    directories = {directory.name: directory for directory in group_directories(root)}
    if name not in directories:
        raise CompendiumError(f"unknown chapter {name!r}{_suggest(name, directories)}")
    return load_group(directories[name])


def _suggest(name: str, options) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else f" (choose from {', '.join(sorted(options))})"


def read_params_file(path: Path) -> dict[str, Any]:
    """Parameters from a JSON or YAML mapping file (at most 64 KiB, no YAML aliases)."""
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_PARAMS_FILE_BYTES + 1)
        if len(raw) > MAX_PARAMS_FILE_BYTES:
            raise CompendiumError(f"params file {path}: larger than {MAX_PARAMS_FILE_BYTES // 1024} KiB")
        text = raw.decode("utf-8")
        if str(path).endswith(".json"):
            data = json.loads(text)
        else:
            # Aliases let a few hundred bytes expand to gigabytes ("billion laughs"): refuse
            # them from the event stream, before any value is built.
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent):
                    mark = event.start_mark
                    raise CompendiumError(
                        f"params file {path}:{mark.line + 1}: YAML aliases (*name) are not allowed; write values out"
                    )
            data = yaml.safe_load(text)
    except CompendiumError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else f"{path}"
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise CompendiumError(f"params file {where}: not valid YAML ({problem})") from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{exc.__class__.__name__}: {exc}"
        raise CompendiumError(f"params file {path}: cannot read it ({shown(reason, 120)[1:-1]})") from None
    if not isinstance(data, dict):
        raise CompendiumError(f"params file {path}: must hold a mapping of parameter names to values")
    for key in data:
        if not isinstance(key, str):
            raise CompendiumError(f"params file {path}: parameter names must be text, got {type(key).__name__} {shown(key)}")
    return data


def resolve(
    group: NotebookGroup,
    cli_pairs: list[str] | None = None,
    file_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate overrides (file first, then ``name=value`` pairs) and return the group's full parameter set."""
    specs = group.param_specs()
    values = {name: spec.default for name, spec in specs.items()}
    for name, value in (file_values or {}).items():
        values[name] = _spec(specs, group, name).validate(value)
    for pair in cli_pairs or []:
        if "=" not in pair:
            raise CompendiumError(f"parameter {shown(pair)}: write it as name=value")
        name, text = pair.split("=", 1)
        values[name.strip()] = _spec(specs, group, name.strip()).parse(text)
    return values


def _spec(specs: dict[str, ParamSpec], group: NotebookGroup, name: str) -> ParamSpec:
    if name not in specs:
        raise CompendiumError(f"unknown parameter {shown(name)} for chapter {group.name!r}{_suggest(name[:100], specs)}")
    return specs[name]


def parameters_cell_source(spec: NotebookSpec) -> str:
    """The text of the papermill ``parameters`` cell: one assignment per declared default."""
    lines = [f"# Defaults from {spec.source.parent.name}/params.yaml; `compendium run` overrides them."]
    lines += [f"{name} = {p.default!r}" for name, p in spec.params.items()]
    return "\n".join(lines)
