"""Imports run downward only (DESIGN.md section 4): core ← audit ← accounts ← workflow ←
catalog ← operators ← products ← grants ← webhooks ← security ← delivery ← portal/console
(security's primitives — masking, sandbox checks, watermarks — are what delivery applies).
A lower app that must react to an upper one exposes a hook that the upper app fills in
its AppConfig.ready()."""

import ast
from pathlib import Path

import apps

APPS_DIR = Path(apps.__file__).parent
LAYERS = {
    "core": 0,
    "audit": 1,
    "accounts": 2,
    "workflow": 3,
    "catalog": 4,
    "operators": 5,
    "products": 6,
    "grants": 7,
    "webhooks": 8,
    "security": 9,
    "delivery": 10,
    "portal": 11,
    "console": 11,  # siblings: neither imports the other
}
# Imports that break the order on purpose (none today).
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def imported_modules(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """Every module imported anywhere in the file (function-level imports included)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "apps":
                found += [(node.lineno, f"apps.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(APPS_DIR.rglob("*.py")):
        relative = path.relative_to(APPS_DIR)
        if len(relative.parts) < 2:
            continue  # apps/__init__.py
        app = relative.parts[0]
        assert app in LAYERS, f"apps/{app} has no place in the layers: add it to LAYERS"
        package = ".".join(("apps", *relative.parts[:-1]))
        for line, module in imported_modules(ast.parse(path.read_text()), package):
            parts = module.split(".")
            if parts[0] != "apps" or len(parts) < 2 or parts[1] == app:
                continue
            if (relative.as_posix(), module) in KNOWN_EXCEPTIONS:
                continue
            if LAYERS.get(parts[1], 99) >= LAYERS[app]:
                problems.append(f"apps/{relative}:{line} ({app}) imports {module}")
    return problems


def test_no_module_imports_an_app_above_or_beside_its_own():
    assert upward_imports() == []


def test_the_known_exceptions_still_exist_until_the_lead_removes_them():
    # A stale exception would silently allow a new upward import in that file.
    for relative, module in KNOWN_EXCEPTIONS:
        path = APPS_DIR / relative
        if path.exists():
            imported = {m for _, m in imported_modules(ast.parse(path.read_text()), "")}
            assert module in imported, f"drop ({relative}, {module}) from KNOWN_EXCEPTIONS"


def test_the_checker_sees_function_level_and_relative_imports():
    tree = ast.parse("def f():\n    from apps.portal import views\nfrom ...catalog import x\n")
    modules = {m for _, m in imported_modules(tree, "apps.operators.api")}
    assert modules == {"apps.portal", "apps.catalog"}
