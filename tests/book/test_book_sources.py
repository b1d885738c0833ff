"""The book's sources agree with each other: every notebook is in the table of contents,
every page in it exists, parameters cells match params.yaml, notebooks carry no outputs."""

from pathlib import Path

import jupytext
import yaml

from compendium.pipeline.execute import load_source
from compendium.pipeline.params import all_groups

ROOT = Path(__file__).resolve().parents[2]


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def test_every_toc_entry_exists():
    missing = [f for f in toc_files() if not (ROOT / f"{f}.md").exists()]
    assert not missing, missing


def test_every_declared_notebook_is_in_the_toc():
    listed = set(toc_files())
    for group in all_groups(ROOT).values():
        for spec in group.notebooks.values():
            assert spec.source.relative_to(ROOT).with_suffix("").as_posix() in listed, spec.label


def test_every_chapter_folder_is_a_document():
    documents = {
        "ucla-petmr-newsletter", "ucla-psma-pet", "auntminnie-msk-pain-petmr",
        "huang2021-liver-petmr", "medscape-bone-metastases",
    }
    assert {p.name for p in (ROOT / "chapters").iterdir() if p.is_dir()} == documents


def test_parameters_cells_match_declarations_and_sources_have_no_outputs():
    for group in all_groups(ROOT).values():
        for spec in group.notebooks.values():
            load_source(spec)  # raises when the parameters cell drifted from params.yaml
            notebook = jupytext.read(spec.source)
            assert all(not cell.get("outputs") for cell in notebook.cells), spec.label
