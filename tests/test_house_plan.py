"""The house plan in ARCHITECTURE.md, checked: dependencies point one way, rooms stay small, and
each shared mechanic has one implementation. A change that breaks the plan fails here, with the
file and line to look at."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import those before it, never those after it.
LAYERS = ["naas", "endorsement", "assessment", "feedback", "reporting", "api"]
MAX_LINES = 500


def _app_modules(app: str | None = None):
    for layer in [app] if app else LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def _imported_modules(path: Path):
    """(line, dotted module) for every import in a file, relative imports made absolute."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_never_imports_one_above_it(app):
    higher = LAYERS[LAYERS.index(app) + 1 :]
    wrong = [
        f"{_where(path, line)} imports {module}"
        for path in _app_modules(app)
        for line, module in _imported_modules(path)
        if module.split(".")[0] in higher
    ]
    assert wrong == []


def test_no_module_is_too_long_to_read():
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for path in _app_modules()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []


def test_other_apps_import_only_writes_from_assessment_services():
    """Reads live in assessment.selectors and rules in assessment.rules; another app that
    imports assessment.services is asking for a write."""
    from assessment import services

    writes = set(services.__all__)
    reads = [
        f"{_where(path, line)} {module}"
        for app in LAYERS
        if app != "assessment"
        for path in _app_modules(app)
        for line, module in _imported_modules(path)
        if module.startswith("assessment.services.")
        and module.split(".")[-1] not in writes
        and module.count(".") == 2
    ]
    assert reads == []


def _code_matches(pattern: str):
    regex = re.compile(pattern)
    for path in _app_modules():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if regex.search(line) and not line.lstrip().startswith("#"):
                yield path.relative_to(ROOT).as_posix(), number


@pytest.mark.parametrize(
    ("mechanic", "pattern", "home"),
    [
        ("reading an uploaded CSV", r"csv\.(reader|DictReader)\(", {"naas/csv_upload.py"}),
        ("writing CSV", r"csv\.(writer|DictWriter)\(", {"naas/csv_export.py"}),
        ("formatting a date", r"\.strftime\(|:%B|:%d %B|\|date:", {"naas/dates.py"}),
        ("check your answers", r"^class PendingAnswers", {"naas/flows.py"}),
        # `request.POST or None` leaves a form sent with every field blank unbound and silent
        (
            "binding a form to what was posted",
            r"request\.(POST|FILES) or None|^def submitted\(",
            {"naas/forms.py"},
        ),
        (
            "applying a transition",
            r"except (ConcurrentTransition|TransitionNotAllowed)",
            {"naas/transitions.py"},
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)
def test_each_shared_mechanic_has_one_implementation(mechanic, pattern, home):
    places = {path for path, _ in _code_matches(pattern)}
    assert places <= home, f"{mechanic} is also done in {sorted(places - home)}"
    assert places, f"{mechanic} is expected in {sorted(home)}"
