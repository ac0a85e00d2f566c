"""Structure of geo/: no import cycle among its modules, no module over MAX_LINES lines.

Read with ast, not imported, so a cycle is found even where import order happens to work.
A module importing ``geo.a.b`` counts as importing ``geo.a.b`` only, not the package ``geo.a``
Python runs first: else every package whose ``__init__`` re-exports its modules would be a
cycle. Hence modules of a package import their siblings, never the package itself.

Imports inside functions are left out: deferring an import is how a cycle is broken on
purpose; ``import_graph(..., function_level=True)`` lists them. None closes a cycle today
(geo.store no longer imports geo.snapshot_writer: ``write_snapshot`` moved to the writer).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600

# Modules allowed over MAX_LINES until they are split (path -> why); keep it empty.
OVER_LIMIT_ALLOWED: dict[str, str] = {}


def module_names(root: Path, package: str = "geo") -> dict[str, Path]:
    """Dotted name -> file, for every module under ``root / package``."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.Module, function_level: bool) -> list[ast.Import | ast.ImportFrom]:
    """Imports run when the module is imported (``function_level``: those inside functions)."""
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, True)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                continue  # never runs
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if in_function == function_level:
                    found.append(child)
            else:
                visit(child, in_function)

    visit(tree, False)
    return found


def import_graph(root: Path, package: str = "geo", function_level: bool = False
                 ) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports."""
    modules = module_names(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8")), function_level):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
                    targets.update(next(([p] for p in prefixes if p in modules), []))
                continue
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                here = here[: len(here) - node.level + 1]
                base = ".".join(here + ([node.module] if node.module else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:  # from geo import link
                    targets.add(sub)
                elif base in modules:  # from geo.link import relink_all
                    targets.add(base)
        graph[name] = targets - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [_path_within(group, graph) for group in groups]


def _path_within(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A cycle from the group's first module back to it, through the group only."""
    start, members = group[0], set(group)
    previous = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                path = [v]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if w not in previous:
                previous[w] = v
                queue.append(w)
    return group  # pragma: no cover - a strongly connected group always has a cycle


def long_modules(root: Path, package: str = "geo", limit: int = MAX_LINES) -> dict[str, int]:
    """Modules over ``limit`` lines: path relative to ``root`` -> lines."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            out[path.relative_to(root).as_posix()] = lines
    return out


def test_no_import_cycle_among_geo_modules():
    found = cycles(import_graph(ROOT))
    assert not found, "import cycles in geo/ (module-level imports): " + "; ".join(
        " -> ".join(c) for c in found)


def test_no_geo_module_over_the_line_limit():
    over = {path: lines for path, lines in long_modules(ROOT).items()
            if path not in OVER_LIMIT_ALLOWED}
    assert not over, f"modules over {MAX_LINES} lines; split them along their seams: {over}"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_cycle_check_finds_planted_cycles(tmp_path):
    _write(tmp_path, {
        "geo/__init__.py": "",
        "geo/a.py": "from geo import b\n",
        "geo/b.py": "import geo.c\n",
        "geo/c.py": "from geo.a import x\n",  # a -> b -> c -> a
        "geo/p/__init__.py": "from geo.p.q import y\n",
        "geo/p/q.py": "from . import r\n",
        "geo/p/r.py": "from geo.p import y\n",  # the package, not a sibling: p -> q -> r -> p
        "geo/late.py": "def f():\n    from geo import late2\n",
        "geo/late2.py": "from geo import late\n",  # through a function-level import only
        "geo/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                        "    from geo import typed2\n",
        "geo/typed2.py": "from geo import typed\n",
    })
    graph = import_graph(tmp_path)
    assert cycles(graph) == [["geo.a", "geo.b", "geo.c", "geo.a"],
                             ["geo.p", "geo.p.q", "geo.p.r", "geo.p"]]
    assert import_graph(tmp_path, function_level=True)["geo.late"] == {"geo.late2"}


def test_line_check_finds_a_long_module(tmp_path):
    _write(tmp_path, {"geo/__init__.py": "", "geo/short.py": "x = 1\n" * MAX_LINES,
                      "geo/sub/long.py": "x = 1\n" * (MAX_LINES + 1)})
    assert long_modules(tmp_path) == {"geo/sub/long.py": MAX_LINES + 1}
