"""The package's modules import one another one way: no import cycle, and no private name of another module.

An AST walk over ganblend/*.py, function-level imports included (a cycle hidden inside a function is still a cycle:
it only waits for the first call to bite). Attribute access to a private name through a module alias
(`_dbl._load_model`) counts as a private import too.
"""
import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1]/'ganblend'
MODULES = {p.stem for p in PKG.glob('*.py') if p.stem not in ('__init__', '_modidx')}


def _target(node, here):
    "The ganblend module an `import`/`from ... import` node refers to, per imported name: [(module, name or None)]."
    out = []
    if isinstance(node, ast.Import):
        for a in node.names:
            parts = a.name.split('.')
            if parts[0] == 'ganblend' and len(parts) > 1: out.append((parts[1], None, a.asname or a.name))
    elif isinstance(node, ast.ImportFrom):
        mod = node.module or ''
        if node.level and not mod or mod == 'ganblend':   # from . import x / from ganblend import x
            out += [(a.name, None, a.asname or a.name) for a in node.names]
        elif node.level or mod.startswith('ganblend.'):
            m = mod.split('.')[-1]
            out += [(m, a.name, a.asname or a.name) for a in node.names]
    return [(m, n, alias) for m, n, alias in out if m in MODULES and m != here]


def import_graph():
    "{module: set of ganblend modules it imports}, and the private names it takes from them."
    edges, private = {m: set() for m in MODULES}, []
    for m in sorted(MODULES):
        tree = ast.parse((PKG/f'{m}.py').read_text())
        aliases = {}
        for node in ast.walk(tree):
            for tgt, name, alias in _target(node, m):
                edges[m].add(tgt)
                if name is None: aliases[alias] = tgt
                elif name.startswith('_') and not name.startswith('__'): private.append(f"{m} imports {tgt}.{name}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith('_') and not node.attr.startswith('__')):
                private.append(f"{m} uses {aliases[node.value.id]}.{node.attr}")
    return edges, sorted(set(private))


def cycles(edges):
    "The import cycles: every set of modules that reach one another (strongly connected, more than one module)."
    reach = {m: set() for m in edges}
    for m in edges:
        todo = list(edges[m])
        while todo:
            n = todo.pop()
            if n not in reach[m]:
                reach[m].add(n)
                todo += edges[n]
    found = {frozenset([m] + [n for n in reach[m] if m in reach[n]]) for m in edges if m in reach[m]}
    return sorted(sorted(c) for c in found)


def test_the_walk_sees_imports():
    edges, _ = import_graph()
    assert 'core' in edges['deblend'] and 'photometry' in edges['deblend']
    assert 'models' in edges['enhance']


def test_cycle_finder():
    assert cycles({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}) == [['a', 'b', 'c']]
    assert cycles({'a': {'b'}, 'b': set()}) == []


def test_no_import_cycle():
    edges, _ = import_graph()
    assert cycles(edges) == []


def test_no_private_cross_imports():
    _, private = import_graph()
    assert private == []
