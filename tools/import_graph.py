#!/usr/bin/env python3
"""The import graph between cinegenre's top-level modules, from the `crate::…` paths in src/.

Prints each module's layer (1 + the highest layer it imports; doc comments and `#[cfg(test)]`
code are not counted) and exits 1 if two modules import each other through any cycle.
ARCHITECTURE.md's layer table is this output. Usage: python3 tools/import_graph.py [-v]
"""
import collections
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def modules():
    with open(os.path.join(ROOT, "lib.rs")) as f:
        return [line.split()[2].rstrip(";") for line in f if line.startswith("pub mod ")]


def sources(module):
    single = os.path.join(ROOT, f"{module}.rs")
    if os.path.isfile(single):
        yield single
    folder = os.path.join(ROOT, module)
    for root, _, files in os.walk(folder):
        yield from (os.path.join(root, f) for f in files if f.endswith(".rs"))


def code(path):
    with open(path) as f:
        text = f.read()
    cut = text.find("#[cfg(test)]")
    if cut >= 0:
        text = text[:cut]
    return "\n".join(line for line in text.split("\n") if not line.strip().startswith("//"))


def graph(mods):
    deps = collections.defaultdict(set)
    for m in mods:
        for path in sources(m):
            text = code(path)
            used = set(re.findall(r"crate::(\w+)", text))
            for block in re.findall(r"use crate::\{([^;]*)\}", text, flags=re.S):
                used |= set(re.findall(r"(?:^|[\s,{])(\w+)", block))
            deps[m] |= {d for d in used if d in mods and d != m}
    return deps


def cycles(mods, deps):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10_000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in deps[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for m in mods:
        if m not in index:
            visit(m)
    return found


def layers(mods, deps):
    level = {}

    def of(m):
        if m not in level:
            level[m] = 1 + max((of(d) for d in deps[m]), default=-1)
        return level[m]

    for m in mods:
        of(m)
    return level


def main():
    mods = modules()
    deps = graph(mods)
    found = cycles(mods, deps)
    if found:
        print("import cycles:", found)
        return 1
    level = layers(mods, deps)
    for layer in sorted(set(level.values())):
        print(layer, " ".join(sorted(m for m in mods if level[m] == layer)))
    if "-v" in sys.argv:
        for m in sorted(mods):
            print(f"{m} -> {', '.join(sorted(deps[m]))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
