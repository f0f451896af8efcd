"""requirements.lock pins exactly what requirements.txt and pyproject.toml ask for.

The README's set-up installs the lock; people installing into an environment of their own use
the lower bounds of requirements.txt (or the package's pyproject.toml). These tests fail when
the three disagree: a requirement added, removed or re-bounded without re-locking
(``uv pip compile``, the command at the top of requirements.lock), or a dependency of the
package missing from requirements.txt.
"""

import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
REQUIREMENTS = ROOT / "requirements.txt"

# The Pythons the lock is resolved for (uv's --universal fork points); the project supports
# 3.10 and newer (pyproject.toml, requires-python).
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


def _requirements(path: Path) -> dict[str, Requirement]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            out[canonicalize_name(req.name)] = req
    return out


def _lock() -> list[tuple[str, str, str, list[str]]]:
    """(name, version, marker, via) per pinned line of the lock."""
    text = LOCK.read_text(encoding="utf-8")
    pins = []
    for block in re.split(r"\n(?=\S)", text):
        head, *rest = block.split("\n")
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)(?:\s*;\s*(.+))?$", head.strip())
        if not m:
            continue
        via = [v.strip(" #") for v in rest if v.strip(" #") and v.strip(" #") != "via"]
        via = [v.removeprefix("via ").strip() for v in via]
        pins.append((canonicalize_name(m.group(1)), m.group(2), m.group(3) or "", via))
    return pins


def _env(python: str) -> dict:
    return {"python_version": python, "python_full_version": python + ".0",
            "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "platform_machine": "x86_64"}


def _pinned(name: str, python: str) -> str | None:
    from packaging.markers import Marker

    for n, version, marker, _ in _lock():
        if n == name and (not marker or Marker(marker).evaluate(_env(python))):
            return version
    return None


def test_the_lock_was_made_by_the_documented_command():
    head = LOCK.read_text(encoding="utf-8").splitlines()[:2]
    assert "uv pip compile" in head[1] and "requirements.txt" in head[1], head
    assert "-o requirements.lock" in head[1] and "--universal" in head[1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert head[1].lstrip("# ").strip() in readme, "README must give the lock's refresh command"


def test_the_lock_installs_the_project_itself():
    assert re.search(r"^-e \.$", LOCK.read_text(encoding="utf-8"), re.M)


@pytest.mark.parametrize("python", PYTHONS)
def test_every_requirement_is_pinned_within_its_bounds(python):
    """Each line of requirements.txt has one pin in the lock, for every supported Python."""
    for name, req in _requirements(REQUIREMENTS).items():
        if req.marker is not None and not req.marker.evaluate(_env(python)):
            continue
        version = _pinned(name, python)
        assert version is not None, f"{name} is in requirements.txt but not locked: re-lock"
        assert req.specifier.contains(version, prereleases=True), (
            f"the lock pins {name}=={version}, outside requirements.txt's {req.specifier}: "
            "re-lock")


def test_the_lock_holds_nothing_requirements_txt_no_longer_asks_for():
    """A top-level pin ("via -r requirements.txt") whose requirement was removed means a stale lock."""
    wanted = set(_requirements(REQUIREMENTS))
    for name, version, _, via in _lock():
        if "-r requirements.txt" in via:
            assert name in wanted, f"{name}=={version} is locked for requirements.txt, " \
                                   "which no longer lists it: re-lock"


def test_no_pin_is_duplicated_for_one_python():
    for python in PYTHONS:
        from packaging.markers import Marker

        seen: dict[str, str] = {}
        for name, version, marker, _ in _lock():
            if not marker or Marker(marker).evaluate(_env(python)):
                assert name not in seen, f"{name} pinned twice for Python {python}"
                seen[name] = version


def test_pyproject_dependencies_match_requirements_txt():
    """The package's own dependencies (and extras) carry requirements.txt's bounds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = _requirements(REQUIREMENTS)
    extras = [d for group in project.get("optional-dependencies", {}).values() for d in group]
    for line in project["dependencies"] + extras:
        dep = Requirement(line)
        name = canonicalize_name(dep.name)
        assert name in reqs, f"pyproject.toml depends on {name}; add it to requirements.txt"
        assert str(dep.specifier) == str(reqs[name].specifier), (name, dep, reqs[name])


def test_a_changed_bound_is_caught(tmp_path, monkeypatch):
    """The check above rejects a lock that no longer satisfies requirements.txt."""
    bumped = REQUIREMENTS.read_text(encoding="utf-8").replace("numpy>=1.26", "numpy>=99")
    (tmp_path / "requirements.txt").write_text(bumped, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "REQUIREMENTS", tmp_path / "requirements.txt")
    with pytest.raises(AssertionError, match="numpy"):
        test_every_requirement_is_pinned_within_its_bounds("3.11")
