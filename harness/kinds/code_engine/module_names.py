"""The names a module defines at its top level, read from its source without running it.

A test's ``call`` is looked up on the module (``getattr(module, call)`` in the sandbox stub):
a name the reference does not define would lose the reference that test, and the loss would
show only at grade time. Loading a bank checks every ``call`` against
:func:`top_level_names` of the question's reference. The names are an over-estimate (every
name bound anywhere in the module's own scope: in an ``if`` or ``try`` block, as a loop
variable, by ``global`` in a function), so that a name which might be defined is never
refused; where the names cannot be known statically there is no answer at all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

# calls that may bind names nobody wrote down (``globals()[name] = f``, ``vars()[name] = f``,
# ``setattr(sys.modules[__name__], name, f)``)
_DYNAMIC = frozenset({"globals", "exec", "vars", "locals", "setattr"})
# nodes whose bodies are scopes of their own (a comprehension's loop variables are bound in
# its own scope too, but counting them only adds names)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# nodes that bind the plain string in their ``name`` (a ``case x:`` or ``except E as x:``)
_NAMED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler, ast.MatchAs, ast.MatchStar)


def top_level_names(source: str) -> frozenset[str] | None:
    """Every name ``source``'s module may define; None when that cannot be known statically:
    a syntax error, ``from x import *``, a module-level ``__getattr__`` (it answers any name),
    a call of ``globals``, ``vars``, ``locals``, ``setattr`` or ``exec`` anywhere.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):  # ValueError: a null byte in the source
        return None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _DYNAMIC:
            return None
        if isinstance(node, ast.Global):  # a function that assigns a module's name
            names.update(node.names)
    for node in _module_scope(tree):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            return None
        names.update(_bound_names(node))
    return None if "__getattr__" in names else frozenset(names)


def _bound_names(node: ast.AST) -> list[str]:
    """The names ``node`` binds in the scope it is in."""
    if isinstance(node, _NAMED):
        return [node.name] if node.name else []
    if isinstance(node, ast.Import):
        return [alias.asname or alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [alias.asname or alias.name for alias in node.names]
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return [node.id]
    return []


def _module_scope(tree: ast.Module) -> Iterator[ast.AST]:
    """The nodes of the module's own scope: a function's or class's node, not its body."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))
