"""The structure agreed in README's architecture section holds: the domain's templates use
nothing of the web layer's, no template or module grows past its size, every write goes
through an action. (The Python layers are import-linter's, in `make lint`.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
REFERENCE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']")


def _references(path: Path) -> list[str]:
    return REFERENCE.findall(path.read_text())


@pytest.mark.parametrize("template", sorted((TEMPLATES / "maps").glob("*.html")), ids=str)
def test_the_domains_templates_include_nothing_of_the_web_layer(template):
    outside = [name for name in _references(template) if name.startswith("workshops/")]
    assert outside == [], f"{template.name} includes {outside}"


def test_the_reference_check_would_see_an_include():
    sample = TEMPLATES / "maps" / "grid.html"
    assert "maps/stage_column.html" in _references(sample)


def test_every_included_template_exists():
    for template in TEMPLATES.rglob("*.html"):
        for name in _references(template):
            assert (TEMPLATES / name).exists(), f"{template} includes missing {name}"


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=str)
def test_one_thing_per_template_none_over_200_lines(template):
    assert len(template.read_text().splitlines()) <= 200


PACKAGES = ("journeymap", "workshops", "maps")


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("module", list(_modules()), ids=str)
def test_no_module_over_400_lines(module):
    assert len(module.read_text().splitlines()) <= 400


def test_views_write_only_through_actions():
    """No view saves, creates or deletes a row itself: each calls one action, which tells
    the room (workshops/actions/)."""
    writes = re.compile(r"\.(save|delete|create|update|bulk_create|bulk_update)\(")
    found = []
    for path in sorted((ROOT / "workshops" / "views").glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # Not a row: the QR code's file.
            if writes.search(line) and "segno" not in line:
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_every_action_is_marked_as_one():
    """An action not marked `@action` would be caught again by the signals (pushed twice)."""
    unmarked = []
    for path in sorted((ROOT / "workshops" / "actions").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names = [getattr(d, "id", None) for d in node.decorator_list]
                if "action" not in names:
                    unmarked.append(f"{path.name}:{node.name}")
    assert unmarked == []
