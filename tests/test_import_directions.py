"""The code's shape, as docs/architecture.md states it: imports point one way, with no cycles.

    feedback_portal  ←  candidates  ←  requests_app  ←  integrations

- Nothing in feedback_portal (settings, users, the outbox, shared infrastructure) imports a
  domain app, at the top of a module or inside a function: the domain apps register with it.
- candidates does not import requests_app at the top of a module (a query may reach it
  inside a function).
- Nothing imports integrations (the applicant-tracking system's imports, API and webhooks): it
  calls the domain apps' services and listens to their events.
- A Celery task module imports no project module at its top: services enqueue tasks, and
  tasks import their service inside the function.
- The imports made when modules load form no cycle.

The checks read the source with `ast`, so they see an import whether or not it runs.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("feedback_portal", "candidates", "requests_app", "integrations")
# What each app may import (itself included), at the top of a module and anywhere.
MAY_IMPORT_AT_TOP = {
    "feedback_portal": {"feedback_portal"},
    "candidates": {"feedback_portal", "candidates"},
    "requests_app": {"feedback_portal", "candidates", "requests_app"},
    "integrations": {"feedback_portal", "candidates", "requests_app", "integrations"},
}
MAY_IMPORT_ANYWHERE = {
    "feedback_portal": {"feedback_portal"},
    "candidates": {"feedback_portal", "candidates", "requests_app"},
    "requests_app": {"feedback_portal", "candidates", "requests_app"},
    "integrations": {"feedback_portal", "candidates", "requests_app", "integrations"},
}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # dotted module name (the module, or the package a name comes from)
    at_top: bool  # run when the module loads (not inside a function)
    line: int


def project_sources() -> dict[str, str]:
    """Every module of the apps, migrations aside, by dotted name."""
    sources = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            sources[".".join(parts)] = path.read_text()
    return sources


def _is_package(module: str, sources: dict[str, str]) -> bool:
    return any(name.startswith(module + ".") for name in sources)


def _resolve(importer: str, node: ast.ImportFrom, sources: dict[str, str]) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".")
    if not _is_package(importer, sources):
        package = package[:-1]  # a module's relative imports start from its package
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def imports_of(module: str, source: str, sources: dict[str, str]) -> Iterator[Import]:
    """The project imports in one module's source, each with whether it runs at load time."""

    def visit(node: ast.AST, at_top: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inside_function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, at_top, child.lineno)
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(module, child, sources)
                for alias in child.names:
                    # `from package import module` imports that module; `from module import name` the module.
                    target = f"{base}.{alias.name}"
                    yield Import(module, target if target in sources else base, at_top, child.lineno)
            yield from visit(child, at_top and not inside_function)

    for found in visit(ast.parse(source), True):
        if found.imported.split(".")[0] in APPS:
            yield found


def violations(sources: dict[str, str]) -> list[str]:
    """Every import against the allowed directions, and every cycle among load-time imports."""
    problems = []
    graph: dict[str, set[str]] = {name: set() for name in sources}
    for module, source in sources.items():
        app = module.split(".")[0]
        for found in imports_of(module, source, sources):
            target_app = found.imported.split(".")[0]
            where = f"{module} (line {found.line}) imports {found.imported}"
            if target_app not in MAY_IMPORT_ANYWHERE[app]:
                problems.append(f"{where}: {app} never imports {target_app}")
            elif found.at_top and target_app not in MAY_IMPORT_AT_TOP[app]:
                problems.append(f"{where} at the top: {app} imports {target_app} only inside a function")
            elif found.at_top and module.split(".")[-1] == "tasks" and found.imported != module:
                problems.append(f"{where} at the top: a task imports its service inside the function")
            if found.at_top and found.imported in graph and found.imported != module:
                graph[module].add(found.imported)
    problems += [f"import cycle: {' → '.join(cycle)}" for cycle in cycles(graph)]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append([*sorted(group), sorted(group)[0]])
    return found


def test_imports_point_one_way_without_cycles():
    assert violations(project_sources()) == []


# --- The checks themselves fail on what they guard against ---------------------------------


def test_infrastructure_importing_a_domain_app_is_caught_even_inside_a_function():
    sources = {
        **project_sources(),
        "feedback_portal.sneaky": "def later():\n    from requests_app.models import Event\n",
    }
    assert violations(sources) == [
        "feedback_portal.sneaky (line 2) imports requests_app.models: "
        "feedback_portal never imports requests_app"
    ]


def test_candidates_importing_requests_at_the_top_is_caught_but_not_inside_a_function():
    top = {**project_sources(), "candidates.extra": "from requests_app import lifecycle\n"}
    inside = {**project_sources(), "candidates.extra": "def f():\n    from requests_app import lifecycle\n"}
    assert violations(top) == [
        "candidates.extra (line 1) imports requests_app.lifecycle at the top: "
        "candidates imports requests_app only inside a function"
    ]
    assert violations(inside) == []


def test_a_task_module_importing_its_service_at_the_top_is_caught():
    sources = {**project_sources(), "requests_app.tasks": "from . import services\n"}
    assert violations(sources) == [
        "requests_app.tasks (line 1) imports requests_app.services at the top: "
        "a task imports its service inside the function"
    ]


def test_a_cycle_of_load_time_imports_is_caught():
    sources = {
        **project_sources(),
        "requests_app.one": "from . import two\n",
        "requests_app.two": "from .one import something\n",
    }
    assert violations(sources) == ["import cycle: requests_app.one → requests_app.two → requests_app.one"]
