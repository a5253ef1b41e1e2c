"""The package's layers (docs/DEVELOPING.md): concept modules compute, ``plot/`` draws, imports point down.

Read from the source with :mod:`ast` (every ``import``, also inside functions, except under
``TYPE_CHECKING``) and checked by importing each computing module in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "exportlab"

#: Modules that run or present the work and may load matplotlib through ``plot`` (never import it
#: themselves): everything else is a computing module and must load no matplotlib at all.
RUNNERS = {"exportlab.pipeline", "exportlab.cli", "exportlab.report", "exportlab.__main__"}
#: The HTML explorer draws with Vega-Lite in the browser: it shares the figures' colours
#: (``plot.colors``, plain data) and loads no matplotlib.
PAGES = {"exportlab.explorer"}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Absolute names of every module ``path`` imports (package-relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # ``from exportlab import daed`` imports the submodule exportlab.daed
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known)
    return found


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    mods = modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        for target in imports_of(path, name, set(mods)):
            if target in mods and target != name and not name.startswith(f"{target}."):
                g.add_edge(name, target)
            elif target.split(".")[0] == "matplotlib":
                g.add_edge(name, "matplotlib")
    return g


def test_the_graph_sees_the_package(graph):
    """The reader finds the package's modules and known edges (guards the checks below)."""
    assert {"exportlab.daed", "exportlab.plot.style", "exportlab.labels"} <= set(graph)
    assert graph.has_edge("exportlab.plot.style", "exportlab.labels")
    assert graph.has_edge("exportlab.plot.style", "matplotlib")


def test_only_the_plot_package_imports_matplotlib(graph):
    outside = sorted(
        m for m in graph.predecessors("matplotlib") if not m.startswith("exportlab.plot")
    )
    assert outside == [], f"modules outside exportlab.plot import matplotlib: {outside}"


def test_no_import_cycle(graph):
    cycles = sorted(
        sorted(c) for c in nx.simple_cycles(graph.subgraph(n for n in graph if n != "matplotlib"))
    )
    assert cycles == [], f"import cycles: {cycles}"


def test_concept_modules_do_not_import_the_plot_layer(graph):
    """Imports point down: only runners and the plot package itself reach into ``exportlab.plot``."""
    up = sorted(
        (m, t)
        for m, t in graph.edges
        if t.startswith("exportlab.plot")
        and not m.startswith("exportlab.plot")
        and m not in RUNNERS
        and not (m in PAGES and t == "exportlab.plot.colors")
    )
    assert up == [], f"computing modules import the plot layer: {up}"


#: What the readers in ``exportlab.io`` may import: the ground and their own layer (DEVELOPING "Layers").
READER_DEPENDENCIES = {
    f"exportlab.{m}"
    for m in ("paths", "config", "schema", "stages", "labels", "errors", "files", "regions", "hs")
}


def test_readers_import_only_the_ground_and_their_layer(graph):
    """``io`` reads; it never reaches up into a concept module (e.g. ``indicators``)."""
    up = sorted(
        (m, t)
        for m, t in graph.edges
        if m.startswith("exportlab.io")
        and not t.startswith("exportlab.io")
        and t not in READER_DEPENDENCIES
    )
    assert up == [], f"readers import modules above them: {up}"


COMPUTING = sorted(
    m
    for m in modules()
    if not m.startswith("exportlab.plot") and m not in RUNNERS and m != "exportlab"
)


def test_importing_the_computing_modules_loads_no_matplotlib():
    code = (
        "import importlib, sys\n"
        f"for name in {COMPUTING!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'matplotlib' in sys.modules:\n"
        "        print(name); break\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"importing {done.stdout.strip()} loads matplotlib"


def test_import_exportlab_gives_lazy_submodules():
    code = (
        "import sys, exportlab\n"
        "assert 'exportlab.daed' not in sys.modules\n"
        "assert exportlab.daed.__name__ == 'exportlab.daed'\n"
        "assert 'matplotlib' not in sys.modules\n"
        "assert exportlab.plot.colors.TYPE_COLORS[1]\n"
        "assert 'matplotlib' not in sys.modules\n"
        "try:\n    exportlab.no_such_module\nexcept AttributeError:\n    pass\n"
        "else:\n    raise SystemExit('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
