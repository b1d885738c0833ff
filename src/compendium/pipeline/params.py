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

The papermill ``parameters`` cell of each notebook is generated from these
defaults (:func:`parameters_cell_source`); the committed cell must match it.
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compendium.errors import CompendiumError
from compendium.paths import project_root

TYPES = ("int", "float", "str", "bool", "list[int]", "list[float]")
_SPEC_KEYS = {"type", "default", "description", "min", "max", "choices"}


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None

    def describe_range(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        lo = "-inf" if self.min is None else f"{self.min:g}"
        hi = "inf" if self.max is None else f"{self.max:g}"
        return "any" if (self.min is None and self.max is None) else f"[{lo}, {hi}]"

    def parse(self, text: str) -> Any:
        """Turn a command-line string into a value of this parameter's type, then validate it."""
        try:
            if self.type == "bool":
                low = text.strip().lower()
                if low not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError
                value: Any = low in {"true", "1", "yes"}
            elif self.type == "int":
                value = int(text)
            elif self.type == "float":
                value = float(text)
            elif self.type == "str":
                value = text
            else:
                item = int if self.type == "list[int]" else float
                value = [item(part) for part in text.replace(" ", "").strip("[]").split(",") if part]
        except ValueError:
            raise CompendiumError(
                f"parameter {self.name!r}: cannot read {text!r} as {self.type}"
            ) from None
        return self.validate(value)

    def validate(self, value: Any) -> Any:
        """Check type and range; return the value in canonical form (ints stay ints, floats become floats)."""
        value = self._coerce(value)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if self.choices and item not in self.choices:
                raise CompendiumError(
                    f"parameter {self.name!r}: {item!r} is not {self.describe_range()}"
                )
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                if not math.isfinite(item):
                    raise CompendiumError(f"parameter {self.name!r}: {item!r} is not finite")
                if (self.min is not None and item < self.min) or (
                    self.max is not None and item > self.max
                ):
                    raise CompendiumError(
                        f"parameter {self.name!r}: {item!r} is outside {self.describe_range()}"
                    )
        return value

    def _coerce(self, value: Any) -> Any:
        wrong = CompendiumError(
            f"parameter {self.name!r}: expected {self.type}, got {type(value).__name__} {value!r}"
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
    spec = ParamSpec(
        name=name,
        type=body["type"],
        default=None,
        description=str(body["description"]),
        min=body.get("min"),
        max=body.get("max"),
        choices=tuple(body["choices"]) if body.get("choices") else None,
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
    groups = all_groups(root)
    if name not in groups:
        raise CompendiumError(f"unknown chapter {name!r}{_suggest(name, groups)}")
    return groups[name]


def _suggest(name: str, options) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else f" (choose from {', '.join(sorted(options))})"


def read_params_file(path: Path) -> dict[str, Any]:
    """Parameters from a JSON or YAML mapping file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise CompendiumError(f"params file {path}: cannot read it ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(data, dict):
        raise CompendiumError(f"params file {path}: must hold a mapping of parameter names to values")
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
            raise CompendiumError(f"parameter {pair!r}: write it as name=value")
        name, text = pair.split("=", 1)
        values[name.strip()] = _spec(specs, group, name.strip()).parse(text)
    return values


def _spec(specs: dict[str, ParamSpec], group: NotebookGroup, name: str) -> ParamSpec:
    if name not in specs:
        raise CompendiumError(f"unknown parameter {name!r} for chapter {group.name!r}{_suggest(name, specs)}")
    return specs[name]


def parameters_cell_source(spec: NotebookSpec) -> str:
    """The text of the papermill ``parameters`` cell: one assignment per declared default."""
    lines = [f"# Defaults from {spec.source.parent.name}/params.yaml; `compendium run` overrides them."]
    lines += [f"{name} = {p.default!r}" for name, p in spec.params.items()]
    return "\n".join(lines)
