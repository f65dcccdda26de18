"""The apps import only the apps to their left (docs/architecture.md):

    core → accounts → submissions → review → scoring → voting → publication → archives
         → portal → demo

Every module of every app is parsed with `ast` (nothing is imported, so an import inside a
function counts as much as one at the top) and an import of an app to the right fails the test.
Exempt: tests, benchmarks, `wnevc/` (the project's wiring: settings, urls, celery), and the data
migrations listed below, which must read another app's tables at the moment they ran.
"""

import ast
from pathlib import Path

import pytest

ORDER = [
    "core",
    "accounts",
    "submissions",
    "review",
    "scoring",
    "voting",
    "publication",
    "archives",
    "portal",
    "demo",
]

ROOT = Path(__file__).resolve().parent.parent

# Data migrations that read another app's models through apps.get_model (a string, not an
# import) need no entry; one that imports an app's code to its right would be listed here.
EXEMPT: set[str] = set()


def imported_apps(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in the module, relative ones excluded."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def violations(app: str) -> list[str]:
    allowed = set(ORDER[: ORDER.index(app) + 1])
    above = set(ORDER) - allowed
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in EXEMPT:
            continue
        for line, package in imported_apps(path):
            if package in above:
                found.append(f"{relative}:{line} imports {package}")
    return found


def test_every_app_is_in_the_order():
    apps = sorted(
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if path.parent.name not in ("wnevc", "tests", "benchmarks")
    )
    assert apps == sorted(ORDER)


@pytest.mark.parametrize("app", ORDER)
def test_no_app_imports_an_app_to_its_right(app):
    assert violations(app) == []


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "upward.py"
    module.write_text("def f():\n    from voting.models import Round\n", encoding="utf-8")

    assert imported_apps(module) == [(2, "voting")]
