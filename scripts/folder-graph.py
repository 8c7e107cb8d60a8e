#!/usr/bin/env python3
"""Which folders of a module use which (a type declared at the top of a file in one folder,
named in a file of another), and any cycle among them. Names are matched as words, outside
comments and string literals: a close approximation of the compiler's view, enough to keep
folders layered (docs/architecture.md). Exits 1 on a cycle.

    scripts/folder-graph.py Sources/MomentsServer [--print]
"""
import collections
import glob
import os
import re
import sys

root = sys.argv[1]
declaration = re.compile(
    r"^(?:@\w+\s+)*(?:public |package |internal |final )*(?:struct|enum|class|protocol|actor|typealias)\s+(\w+)", re.M)
files = glob.glob(os.path.join(root, "**", "*.swift"), recursive=True)


def folder(path):
    parts = os.path.relpath(path, root).split(os.sep)
    return parts[0] if len(parts) > 1 else "."


owner = {}
for path in files:
    for name in declaration.findall(open(path).read()):
        owner.setdefault(name, folder(path))
uses = collections.defaultdict(set)
for path in files:
    text = re.sub(r'"[^"\n]*"', '""', re.sub(r"//.*", "", open(path).read()))
    here = folder(path)
    for name, there in owner.items():
        if there != here and re.search(r"\b" + name + r"\b", text):
            uses[here].add(there)
if "--print" in sys.argv:
    for here in sorted(uses):
        print(f"{here} -> {', '.join(sorted(uses[here]))}")


def cycle():
    state = {}

    def visit(node, path):
        state[node] = "open"
        for next_node in sorted(uses.get(node, ())):
            if state.get(next_node) == "open":
                return path + [node, next_node]
            if next_node not in state:
                found = visit(next_node, path + [node])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in sorted(uses):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


found = cycle()
if found:
    start = found.index(found[-1])
    print(f"folder-graph: a cycle in {root}: {' -> '.join(found[start:])}", file=sys.stderr)
    sys.exit(1)
