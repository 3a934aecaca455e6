"""The import rules of docs/architecture.md, read from the source: devtools/ is never
imported by the shipped packages (server/devhooks.py names it only as a string, at run time),
and the wheel leaves it out."""

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("server", "desktop")


def imported_modules(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def shipped_sources() -> Iterator[Path]:
    for package in SHIPPED:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_shipped_module_imports_devtools():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in shipped_sources()
        for module in imported_modules(path)
        if module == "devtools" or module.startswith("devtools.")
    ]
    assert offenders == []


def test_the_scan_sees_an_import_of_devtools(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("import devtools.demo\nfrom devtools.conformance import x\n")
    assert list(imported_modules(sample)) == ["devtools.demo", "devtools.conformance"]


def test_the_wheel_ships_server_and_desktop_only():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == list(SHIPPED)
