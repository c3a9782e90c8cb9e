"""The package's shape: no import cycle anywhere in `bot` (the layers themselves are checked by
import-linter, configured in pyproject.toml and run by .ci/run)."""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_back() -> None:
    """At run time: imports only a type checker sees (the cogs naming the bot's class) are no cycle."""
    graph = grimp.build_graph("bot", include_external_packages=False, exclude_type_checking_imports=True)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.append(" -> ".join((module, *back)))
    assert cycles == []
