"""The import layers, checked: model → rules → documents/context → render → packet → api → batch/verify/web
→ cli. A module imports only its own layer or the ones below it, and no two modules import each other, even
through others or inside a function.

A new module goes into LAYERS below (the test fails, naming it, until it has a place)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# Lowest first. A name covers the module and everything under it; the longest name that matches wins.
LAYERS: list[tuple[str, ...]] = [
    ("erasure_docs", "erasure_docs.errors", "erasure_docs.text", "erasure_docs.citations",
     "erasure_docs.offense_class", "erasure_docs.courts", "erasure_docs.crossfield", "erasure_docs.model",
     "erasure_docs.paths", "erasure_docs.files", "erasure_docs.law", "erasure_docs.i18n", "erasure_docs.branding"),
    ("erasure_docs.reading", "erasure_docs.columns", "erasure_docs.sheetio", "erasure_docs.workbook",
     "erasure_docs.spreadsheet", "erasure_docs.loading"),  # the case file (and the intake workbook), read
    ("erasure_docs.rules", "erasure_docs.readiness"),  # the law: tables, pathways, engine, the document plan
    ("erasure_docs.context", "erasure_docs.redact", "erasure_docs.client_letter",
     "erasure_docs.instructions"),  # what documents say
    ("erasure_docs.render",),
    ("erasure_docs.packet", "erasure_docs.signing", "erasure_docs.repack"),
    ("erasure_docs.api",),
    ("erasure_docs.batch", "erasure_docs.summary", "erasure_docs.verify", "erasure_docs.web",
     "erasure_docs.custom_templates", "erasure_docs.templates_build"),
    ("erasure_docs.cli", "erasure_docs.__main__", "erasure_docs.docs_build"),
]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that runs: all of them but the bodies of `if TYPE_CHECKING:` (imports for type hints only)."""
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo += node.orelse
            continue
        todo += list(ast.iter_child_nodes(node))
    return found


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Every module of the package → the package's modules it imports (anywhere in its code)."""
    root = package_dir.parent
    package = package_dir.name
    modules = {module_name(p, root): p for p in package_dir.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the module's package, up `level - 1` more
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[:len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in node.names:  # a submodule when it is one, else a name the module defines
                    targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name and t.split(".")[0] == package}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected components of more than one)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str, layers: list[tuple[str, ...]]) -> int | None:
    matches = [(len(name), rank) for rank, names in enumerate(layers) for name in names
               if module == name or module.startswith(name + ".")]
    return max(matches)[1] if matches else None


def upward_imports(graph: dict[str, set[str]], layers: list[tuple[str, ...]], facade: str) -> list[str]:
    """Imports from a lower layer into a higher one; the package's own __init__ (a lazy facade) is exempt."""
    found = []
    for module, targets in sorted(graph.items()):
        if module == facade:
            continue
        rank = layer_of(module, layers)
        for target in sorted(targets):
            target_rank = layer_of(target, layers)
            if rank is not None and target_rank is not None and target_rank > rank:
                found.append(f"{module} (layer {rank}) imports {target} (layer {target_rank})")
    return found


def test_every_module_has_a_layer():
    graph = import_graph(ROOT / "erasure_docs")
    unplaced = sorted(m for m in graph if layer_of(m, LAYERS) is None)
    assert not unplaced, f"add these modules to LAYERS in tests/test_layers.py: {unplaced}"


def test_no_import_cycles():
    graph = import_graph(ROOT / "erasure_docs")
    assert cycles({m: t - {"erasure_docs"} for m, t in graph.items() if m != "erasure_docs"}) == []


def test_no_module_imports_a_higher_layer():
    assert upward_imports(import_graph(ROOT / "erasure_docs"), LAYERS, "erasure_docs") == []


def test_the_checks_catch_a_cycle_and_an_upward_import(tmp_path):
    package = tmp_path / "throwaway"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "inner" / "__init__.py").write_text("")
    (package / "low.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from throwaway import inner\n"
                                    "def f():\n    from throwaway import high  # inside a function still counts\n")
    (package / "high.py").write_text("from throwaway.inner import deep\n")
    (package / "inner" / "deep.py").write_text("from .. import low\n")
    graph = import_graph(package)
    assert graph["throwaway.low"] == {"throwaway.high"}
    assert graph["throwaway.inner.deep"] == {"throwaway.low"}
    assert cycles(graph) == [["throwaway.high", "throwaway.inner.deep", "throwaway.low"]]
    layers = [("throwaway.low",), ("throwaway.high", "throwaway.inner")]
    assert upward_imports(graph, layers, "throwaway") == ["throwaway.low (layer 0) imports throwaway.high (layer 1)"]
