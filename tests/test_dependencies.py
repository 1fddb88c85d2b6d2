"""What the app imports is installed by the README's run command (`pip install -e .`, no test
extras): every third-party module that app/, workers/ and wsgi.py import comes from a
distribution in pyproject's [project] dependencies or one of theirs. The test suite installs
the test extras too, so a runtime import served only by them would pass every other test and
break `bash scripts/run.sh` on a new machine (jsonschema did)."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {"app", "workers", "wsgi", "migrations"}


def imported_modules() -> set[str]:
    """Top-level names imported anywhere in the code the app runs."""
    files = [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("workers").rglob("*.py")]
    names = set()
    for path in [*files, ROOT / "wsgi.py"]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - OURS - set(sys.stdlib_module_names)


def runtime_distributions() -> set[str]:
    """The distributions `pip install -e .` brings: [project] dependencies, transitively
    (markers evaluated for this interpreter; extras named in a requirement followed)."""
    seen: set[str] = set()
    todo = [req for req in metadata.requires("meetday") or [] if "extra ==" not in req]
    while todo:
        requirement = todo.pop()
        match = re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?", requirement)
        name = canonical(match.group(1))
        extras = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
        if name in seen and not extras:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # a marker that excludes this platform
        for sub in requires:
            marker = sub.partition(";")[2]
            wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
            if wanted and not set(map(canonical, wanted)) & set(map(canonical, extras)):
                continue
            if not wanted and marker and not _marker_holds(marker):
                continue
            todo.append(sub.partition(";")[0])
    return seen


def _marker_holds(marker: str) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate()


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_module_the_app_imports_is_a_runtime_dependency():
    providers = metadata.packages_distributions()
    installed = runtime_distributions()
    missing = {
        module: sorted(providers.get(module, ["(not installed)"]))
        for module in sorted(imported_modules())
        if not {canonical(d) for d in providers.get(module, [])} & installed
    }
    assert not missing, f"imported by the app but not in [project] dependencies: {missing}"
