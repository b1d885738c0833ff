"""environment.yml, pyproject.toml and requirements.lock describe the same environment."""

import re
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    listed = sorted(item for item in pip_section if not item.startswith("-e"))
    assert listed == sorted(project), "environment.yml and pyproject.toml dependencies differ"


def test_every_dependency_is_pinned_in_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {
        _name(line) for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line
    }
    missing = sorted({_name(dep) for dep in project} - pinned)
    assert not missing, f"not pinned in requirements.lock: {missing}"


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert "python=3.11" in env["dependencies"] and requires == ">=3.11"


def test_make_test_names_the_missing_debian_packages_in_one_line_when_not_root(tmp_path):
    """Without chromium and pdftotext, a user who is not root gets the command to run and exit 2."""
    fake_id = tmp_path / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    result = subprocess.run(["/bin/sh", str(ROOT / "tools" / "system-packages.sh")],
                            env={"PATH": str(tmp_path)}, capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.rstrip().endswith("sudo apt-get install -y chromium poppler-utils")


def test_make_test_checks_the_debian_packages_before_any_test():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*system-packages", makefile, re.MULTILINE)
    assert re.search(r"^system-packages:\n\t@sh tools/system-packages.sh", makefile, re.MULTILINE)
