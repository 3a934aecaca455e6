"""The import rules of docs/architecture.md, read from the source: desktop/ uses the server
only through its public surface (server/api.py, server/commands.py); devtools/ is never
imported by the shipped packages (server/devhooks.py names it only as a string, at run time),
and the wheel leaves it out."""

import ast
import importlib
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("server", "desktop")


SURFACES = ("server.api", "server.commands")


def imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, name) for every import in the file, at any depth; name None for `import x`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield from ((node.module, alias.name) for alias in node.names)


def imported_modules(path: Path) -> Iterator[str]:
    yield from dict.fromkeys(module for module, _ in imports(path))


def is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def test_desktop_imports_only_the_server_surface():
    surface = {module: set(importlib.import_module(module).__all__) for module in SURFACES}
    offenders = [
        f"{path.relative_to(ROOT)}: {module} {name or ''}"
        for path in sorted((ROOT / "desktop").rglob("*.py"))
        for module, name in imports(path)
        if is_in(module, "server") and (module not in surface or name not in surface[module])
    ]
    assert offenders == []


def test_the_scan_sees_an_import_outside_the_surface(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from server.api import ServerConfig\n"
        "def later():\n"
        "    from server.wechat.store import open_store\n"
        "    import server.config\n"
    )
    assert list(imports(sample)) == [
        ("server.api", "ServerConfig"),
        ("server.wechat.store", "open_store"),
        ("server.config", None),
    ]


def test_every_name_of_the_surface_is_there():
    for module in SURFACES:
        surface = importlib.import_module(module)
        assert [name for name in surface.__all__ if not hasattr(surface, name)] == []


def test_the_command_surface_starts_without_the_server_or_qt():
    # `chatlog-tray stdio` and `--headless` start through server/commands.py: neither may pay
    # for the server's web stack, the chat store or Qt before it needs them.
    heavy = ["quart", "server.app", "server.wechat.store", "server.bridge.command", "PySide6"]
    script = f"import sys, server.commands; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def shipped_sources() -> Iterator[Path]:
    for package in SHIPPED:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_shipped_module_imports_devtools():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in shipped_sources()
        for module in imported_modules(path)
        if is_in(module, "devtools")
    ]
    assert offenders == []


def test_the_scan_sees_an_import_of_devtools(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("import devtools.demo\nfrom devtools.conformance import x\n")
    assert list(imported_modules(sample)) == ["devtools.demo", "devtools.conformance"]


def test_the_wheel_ships_server_and_desktop_only():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == list(SHIPPED)
