"""The package's layers point down (docs/architecture.md, "Code layout").

Every import counts, those inside functions too: a function-level import is still an import,
only a later one, and a cycle hidden in one breaks as soon as both ends are loaded.
"""

import ast
from pathlib import Path

import pytest

import s2fgan

PACKAGE = Path(s2fgan.__file__).parent
BOTTOM = {"constants", "errors", "seeds", "version"}
# What the low layers may import besides themselves.
MAY_IMPORT = {
    "layers": BOTTOM,
    "models": BOTTOM | {"layers"},
    "data": BOTTOM,
}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = (root.name, *path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool) -> set[str]:
    """Absolute names of the modules `source` imports, at any depth of its syntax tree."""
    package = module if is_package else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module
            names.add(origin)
            # `from s2fgan import data` imports the subpackage s2fgan.data
            names.update(f"{origin}.{alias.name}" for alias in node.names)
    return names


def unit(module: str, root: str = "s2fgan") -> str | None:
    """The part of the package a module belongs to: "models" for s2fgan.models.encoders,
    "constants" for s2fgan.constants, "s2fgan" for the package itself; None outside."""
    parts = module.split(".")
    if parts[0] != root:
        return None
    return parts[1] if len(parts) > 1 else root


def import_graph(root: Path = PACKAGE) -> dict[str, dict[str, list[str]]]:
    """{unit: {imported unit: [the modules that import it]}} over the package."""
    known = {p.stem if p.is_file() else p.name for p in root.iterdir()}
    graph: dict[str, dict[str, list[str]]] = {}
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        source = path.read_text(encoding="utf-8")
        here = unit(module, root.name)
        edges = graph.setdefault(here, {})
        for name in imported_modules(source, module, path.name == "__init__.py"):
            there = unit(name, root.name)
            if there is None or there == here or (there != root.name and there not in known):
                continue
            where = edges.setdefault(there, [])
            if module not in where:
                where.append(module)
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One cycle of the graph as [a, b, ..., a], or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for nxt in graph.get(node, {}):
            cycle = visit(nxt, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def test_function_level_and_relative_imports_are_seen():
    source = "import os\ndef f():\n    from s2fgan.hub import folder\n    from ..data import x\n"
    names = imported_modules(source, "s2fgan.models.encoders", is_package=False)
    assert {"s2fgan.hub", "s2fgan.hub.folder", "s2fgan.data", "s2fgan.data.x"} <= names


def test_a_cycle_through_a_third_unit_is_found():
    graph = {"a": {"b": []}, "b": {"c": []}, "c": {"a": []}, "d": {"a": []}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    del graph["c"]["a"]
    assert find_cycle(graph) is None


def test_the_graph_sees_the_package_as_it_is():
    graph = import_graph()
    assert "models" in graph["pipelines"] and "layers" in graph["models"]
    assert "constants" in graph["data"]


@pytest.mark.parametrize("low", sorted(MAY_IMPORT))
def test_low_layers_import_nothing_above_them(low):
    above = {
        there: where for there, where in import_graph()[low].items() if there not in MAY_IMPORT[low]
    }
    assert not above, f"{low}/ imports from above it: {above}"


def test_no_import_cycle_between_parts_of_the_package():
    graph = import_graph()
    cycle = find_cycle(graph)
    where = cycle and [f"{a} -> {b}: {graph[a][b]}" for a, b in zip(cycle, cycle[1:], strict=False)]
    assert cycle is None, f"import cycle {' -> '.join(cycle)}: {where}"
