"""flask-lts-tools import-graph: the toolkit's module dependencies, and any import cycle."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-graph", help="print the toolkit's import graph; exit 1 if it has a cycle")
    p.add_argument("--quiet", action="store_true", help="print only the cycles and the verdict")
    p.set_defaults(func=command)


def command(args: argparse.Namespace) -> int:
    from .._import_graph import PACKAGE, cycles, graph

    edges = graph()
    short = lambda name: name.removeprefix(PACKAGE + ".") if name != PACKAGE else name  # noqa: E731
    if not args.quiet:
        for module in sorted(edges):
            print(f"{short(module)} -> {', '.join(sorted(map(short, edges[module]))) or '(nothing of ours)'}")
    found = cycles(edges)
    for cycle in found:
        print(f"cycle: {' <-> '.join(map(short, cycle))}")
    print(f"{len(edges)} modules, {sum(map(len, edges.values()))} imports, {len(found)} cycle(s)")
    return 1 if found else 0
