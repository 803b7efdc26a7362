"""The package's shape (../shared/ARCHITECTURE.md): layers import downward only, registries are the single
source of truth, and the shipped package works outside a checkout."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bilingual"

# Lower rank = lower layer. A module may import its own layer or lower ones; the packages of the middle
# layer (terms, memory, read, engines) know nothing of each other.
LAYERS = {
    "bilingual": 0, "errors": 0, "config": 0, "signature": 0, "files": 0, "zh": 0, "glossary": 0,
    "model": 1,
    "terms": 2, "memory": 2, "read": 2, "engines": 2,
    "stages": 3,
    "write": 4,
    "pipeline": 5,
    "batch": 6,
    "cli": 7, "web": 7, "__main__": 8,
}
SIBLINGS_MAY_IMPORT = {("cli", "web")}  # `bilingual serve` starts the web page


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def group(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "bilingual"


def is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import of this package in the file, at any depth (lazy ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target]
            if node.module is None:  # `from . import x`: x may be a submodule or a name in the package
                names = [f"{target}.{a.name}" if is_module(f"{target}.{a.name}") else target for a in node.names]
            found.extend((node.lineno, n) for n in names if n.split(".")[0] == "bilingual")
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "bilingual")
    return found


def test_every_module_belongs_to_a_layer():
    for path in PACKAGE.rglob("*.py"):
        assert group(module_name(path)) in LAYERS, f"{path}: add its package to LAYERS"


def test_layers_import_downward_only():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = group(module_name(path))
        for line, target in imports_of(path):
            dest = group(target)
            if dest == source:
                continue
            same_rank = LAYERS[dest] == LAYERS[source]
            if LAYERS[dest] > LAYERS[source] or (same_rank and LAYERS[source] > 0
                                                  and (source, dest) not in SIBLINGS_MAY_IMPORT):
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {source} imports {target}")
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_the_checker_sees_an_upward_import(tmp_path):
    # The check above must be able to fail: an engine importing the glossary is caught.
    fake = PACKAGE / "engines" / "_architecture_probe.py"
    fake.write_text("from ..terms.glossary import Glossary\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError, match="engines imports bilingual.terms.glossary"):
            test_layers_import_downward_only()
    finally:
        fake.unlink()


def test_registries_are_the_single_source_of_truth():
    from bilingual.batch import expand_inputs  # noqa: F401  (page discovery uses read.is_page)
    from bilingual.cli import build_parser
    from bilingual.engines import ENGINE_CHOICES
    from bilingual.read import PAGE_SUFFIXES, is_page
    from bilingual.web.app import UPLOAD_SUFFIXES
    from bilingual.write import DEFAULT_FORMATS, WRITERS

    assert set(UPLOAD_SUFFIXES) == set(PAGE_SUFFIXES)
    assert all(is_page(Path(f"page{s}")) for s in PAGE_SUFFIXES)
    translate = build_parser()._subparsers._group_actions[0].choices["translate"]
    engine = next(a for a in translate._actions if a.dest == "engine")
    assert tuple(engine.choices) == ENGINE_CHOICES
    assert DEFAULT_FORMATS == tuple(name for name, w in WRITERS.items() if w.default)


def test_a_folder_batch_finds_every_registered_page_kind(tmp_path):
    from bilingual.batch import expand_inputs
    from bilingual.read import PAGE_SUFFIXES

    for n, suffix in enumerate(PAGE_SUFFIXES):
        (tmp_path / f"page{n}{suffix}").write_text("x", encoding="utf-8")
    (tmp_path / "notes.pdf").write_text("x", encoding="utf-8")
    found = {p.suffix for p in expand_inputs([str(tmp_path)])}
    assert found == set(PAGE_SUFFIXES)  # .md, .text and .xhtml too; a .pdf is not a page
