"""Parameter declarations: parsing, validation, and one-line errors that name the problem."""

import json

import pytest

from compendium.errors import CompendiumError
from compendium.pipeline.params import find_group, parameters_cell_source, read_params_file, resolve


@pytest.fixture
def demo(mini_project):
    return find_group("demo")


def test_defaults_resolve_to_declared_values(demo):
    assert resolve(demo) == {"seed": 1, "scale": 1.0, "method": "a", "fail": False, "sizes": [1, 2]}


def test_command_line_values_are_parsed_to_their_types(demo):
    values = resolve(demo, ["seed=7", "scale=2.5", "method=b", "fail=true", "sizes=3,4,5"])
    assert values == {"seed": 7, "scale": 2.5, "method": "b", "fail": True, "sizes": [3, 4, 5]}


def test_file_values_are_overridden_by_command_line(demo, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"seed": 3, "scale": 4}))
    assert resolve(demo, ["seed=9"], read_params_file(path))["seed"] == 9
    assert resolve(demo, [], read_params_file(path))["scale"] == 4.0


@pytest.mark.parametrize(
    "pair, message",
    [
        ("sead=3", "unknown parameter 'sead' for chapter 'demo' (did you mean 'seed'?)"),
        ("seed=three", "parameter 'seed': cannot read 'three' as int"),
        ("seed=-1", "parameter 'seed': -1 is outside [0, inf]"),
        ("scale=11", "parameter 'scale': 11.0 is outside [0, 10]"),
        ("scale=nan", "parameter 'scale': nan is not finite"),
        ("method=c", "parameter 'method': 'c' is not one of a, b"),
        ("fail=maybe", "parameter 'fail': cannot read 'maybe' as bool"),
        ("sizes=1,0", "parameter 'sizes': 0 is outside [1, inf]"),
        ("seed", "parameter 'seed': write it as name=value"),
    ],
)
def test_bad_values_name_the_problem(demo, pair, message):
    with pytest.raises(CompendiumError) as err:
        resolve(demo, [pair])
    assert str(err.value) == message


def test_file_values_are_type_checked(demo, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("seed: 1.5\n")
    with pytest.raises(CompendiumError, match=r"parameter 'seed': expected int, got float 1.5"):
        resolve(demo, [], read_params_file(path))


def test_unreadable_params_file_is_one_clear_error(tmp_path):
    with pytest.raises(CompendiumError, match="params file .*missing.yaml: cannot read it"):
        read_params_file(tmp_path / "missing.yaml")
    bad = tmp_path / "list.yaml"
    bad.write_text("- 1\n- 2\n")
    with pytest.raises(CompendiumError, match="must hold a mapping"):
        read_params_file(bad)


def test_unknown_chapter_suggests_closest(mini_project):
    with pytest.raises(CompendiumError, match=r"unknown chapter 'demp' \(did you mean 'demo'\?\)"):
        find_group("demp")


def test_parameters_cell_is_generated_from_declarations(demo):
    assert parameters_cell_source(demo.notebooks["main"]).splitlines()[1:] == [
        "seed = 1", "scale = 1.0", "method = 'a'", "fail = False", "sizes = [1, 2]",
    ]


def test_invalid_default_is_rejected_at_load(mini_project):
    path = mini_project / "chapters" / "demo" / "params.yaml"
    path.write_text(path.read_text().replace("default: 1.0, min: 0, max: 10", "default: 20.0, min: 0, max: 10"))
    with pytest.raises(CompendiumError, match="parameter 'scale': default is invalid"):
        find_group("demo")


def test_sync_fills_an_empty_parameters_cell_without_touching_the_next_cell(demo):
    from compendium.pipeline.sync import synced_text

    spec = demo.notebooks["main"]
    text = "# T\n\n```{code-cell} ipython3\n:tags: [parameters]\n```\n\n```{code-cell} ipython3\nx = 1\n```\n"
    synced = synced_text(spec, text)
    assert synced == (
        "# T\n\n```{code-cell} ipython3\n:tags: [parameters]\n\n"
        + parameters_cell_source(spec)
        + "\n```\n\n```{code-cell} ipython3\nx = 1\n```\n"
    )
    assert synced_text(spec, synced) == synced  # idempotent
