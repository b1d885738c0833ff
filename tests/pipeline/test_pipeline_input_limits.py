"""Issue 16, items 4-6 and 8: parameters are parsed strictly, bounded, and refused in one line
before anything runs (no kernel is started by these tests)."""

import resource

import pytest

from compendium.cli import main
from compendium.errors import CompendiumError
from compendium.pipeline.params import find_group, read_params_file, resolve

BILLION_LAUGHS = "\n".join(
    ["a: &a [1,1,1,1,1,1,1,1,1]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
    + ["sizes: *i"]
) + "\n"


@pytest.fixture
def demo(mini_project):
    return find_group("demo")


def one_line_error(capsys, argv, code=2):
    assert main(argv) == code
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    return captured.err


def test_billion_laughs_params_file_is_refused_before_any_value_is_built(demo, tmp_path, capsys):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    assert len(BILLION_LAUGHS) < 500  # 9**9 items once expanded
    err = one_line_error(capsys, ["run", "demo", "--params-file", str(path)])
    assert "YAML aliases (*name) are not allowed" in err and f"{path}:2" in err
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(CompendiumError):
        read_params_file(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB; expanded: gigabytes


def test_oversized_params_file_and_values_are_refused_unread(demo, tmp_path):
    big = tmp_path / "big.json"
    big.write_text('{"sizes": [' + ",".join(["1"] * 40_000) + "]}")
    with pytest.raises(CompendiumError, match="larger than 64 KiB"):
        read_params_file(big)
    with pytest.raises(CompendiumError, match=r"^parameter 'method': value is 1000000 characters long"):
        resolve(demo, ["method=" + "b" * 1_000_000])


def test_error_messages_are_capped(demo):
    with pytest.raises(CompendiumError) as err:
        resolve(demo, [], {"method": ["x" * 10_000] * 100})
    assert len(str(err.value)) < 200


def test_list_length_limit_is_declared_and_checked_before_conversion(demo, tmp_path):
    with pytest.raises(CompendiumError, match=r"^parameter 'sizes': 5 values given, 1 to 4 values allowed$"):
        resolve(demo, ["sizes=1,2,3,4,5"])
    with pytest.raises(CompendiumError, match="3000 values given, 1 to 4 values allowed"):
        resolve(demo, ["sizes=" + ",".join(["7"] * 3000)])
    with pytest.raises(CompendiumError, match="value is 1999999 characters long"):
        resolve(demo, ["sizes=" + ",".join(["7"] * 1_000_000)])
    path = tmp_path / "p.yaml"
    path.write_text("sizes: [1, 2, 3, 4, 5, 6]\n")
    with pytest.raises(CompendiumError, match="6 values given, 1 to 4 values allowed"):
        resolve(demo, [], read_params_file(path))


def test_list_parameters_must_declare_max_items(mini_project):
    path = mini_project / "chapters" / "demo" / "params.yaml"
    path.write_text(path.read_text().replace(", max_items: 4", ""))
    with pytest.raises(CompendiumError, match="parameter 'sizes': list parameters, and only they, declare max_items"):
        find_group("demo")


def test_every_chapter_list_limit_is_checked_before_anything_runs():
    """The book's own chapters: the phantom's 'at most six' diameters now lives in params.yaml."""
    huang = find_group("huang2021-liver-petmr")
    with pytest.raises(CompendiumError, match="7 values given, 1 to 6 values allowed"):
        resolve(huang, ["lesion_diameters_mm=4,6,8,10,12,14,16"])
    bonemets = find_group("medscape-bone-metastases")
    with pytest.raises(CompendiumError, match="mineral_loss': 1000 values given, 1 to 12 values allowed"):
        resolve(bonemets, ["mineral_loss=" + ",".join(["0.5"] * 1000)])
    musculoskeletal = find_group("auntminnie-msk-pain-petmr")
    with pytest.raises(CompendiumError, match="prior': 3 values given, exactly 2 values allowed"):
        resolve(musculoskeletal, ["prior=1,1,1"])


@pytest.mark.parametrize("text", ["2 5", "4,,6", "[4, 6", "4, 6]", "4,6,", ",4", "1_0", "١", "4;6", "[]", "", "0x10"])
def test_malformed_lists_are_refused(demo, text):
    with pytest.raises(CompendiumError, match=r"^parameter 'sizes': cannot read .* as list\[int\]$"):
        resolve(demo, [f"sizes={text}"])


@pytest.mark.parametrize("text, value", [("4,6", [4, 6]), ("[4, 6]", [4, 6]), (" 4 , 6 ", [4, 6]), ("+3", [3])])
def test_well_formed_lists_are_read_as_written(demo, text, value):
    assert resolve(demo, [f"sizes={text}"])["sizes"] == value


@pytest.mark.parametrize("pair, message", [
    ("scale=2 5", "parameter 'scale': cannot read '2 5' as float"),
    ("seed=" + "9" * 400, "parameter 'seed': '" + "9" * 30 + "…' has more than 19 digits"),
    ("seed=9223372036854775808", "parameter 'seed': 9223372036854775808 is beyond 64-bit integers"),
    ("seed=1.0", "parameter 'seed': cannot read '1.0' as int"),
])
def test_numbers_are_single_bounded_tokens(demo, pair, message):
    with pytest.raises(CompendiumError) as err:
        resolve(demo, [pair])
    assert str(err.value) == message


def test_params_file_with_an_integer_key_is_one_line(demo, tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text("1: 2\n")
    err = one_line_error(capsys, ["run", "demo", "--params-file", str(path)])
    assert "parameter names must be text, got int 1" in err


@pytest.mark.parametrize("text, where", [
    ("seed: [1, 2\n", "p.yaml:2"),
    ("seed: 1\n  scale: 2\n", "p.yaml:2"),
    ("seed: 'open\n", "p.yaml:2"),
    ("\t- x\n", "p.yaml:1"),
])
def test_malformed_yaml_params_file_is_one_line_with_its_line(demo, tmp_path, capsys, text, where):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    err = one_line_error(capsys, ["run", "demo", "--params-file", str(path)])
    assert f"{where}: not valid YAML" in err


def test_deeply_nested_json_is_one_line(demo, tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text("[" * 30_000 + "]" * 30_000)
    assert "cannot read it" in one_line_error(capsys, ["run", "demo", "--params-file", str(path)])
