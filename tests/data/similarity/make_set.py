"""Make the labeled similarity set: disguised copies of independent solutions.

Run from the repository root (rewrites ``copies/`` and ``labels.json``; same bytes every time)::

    .venv/bin/python tests/data/similarity/make_set.py

``originals/<exercise>/author*.py`` are independent, hand-written solutions of four of the
course's code exercises (question_bank/exercises: the sampling functions, the MLEs, the
discrete pmfs, the log-likelihoods); each is a different approach, none copied from another
or from the reference. Each original gets two disguised copies, made by the transformations
a student who copies uses (each checked to still parse):

- ``light``: identifiers renamed, literal formatting changed (``1.0`` -> ``1.``, quotes
  swapped, ints in hex), comments added;
- ``heavy``: all of that, and the functions reordered and dead code added (an unused
  assignment in every function, a never-taken branch, an unused helper).

Two files are a copy pair when they come from the same original (original and copy, or two
copies); every other pair of the same exercise is an independent pair. The exercises are
split by exercise: ``sampling`` and ``mle`` for choosing settings (dev), ``pmfs`` and
``loglik`` for reporting (test).
"""

from __future__ import annotations

import ast
import io
import json
import random
import tokenize
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXERCISES = {
    "sampling": ["softmax", "greedy", "top_k"],
    "mle": ["mle"],
    "pmfs": ["discrete_distributions"],
    "loglik": ["log_likelihood"],
}
SPLIT = {"dev": ["sampling", "mle"], "test": ["pmfs", "loglik"]}
WORDS = ["data", "vals", "arr", "tmp", "res", "acc", "item", "elem", "buf", "aux", "cur", "nxt", "q", "w", "zz"]
COMMENTS = ["compute the value", "TODO tidy up", "edge case", "see lecture notes", "main step", "loop over input"]


def renamed(source: str, rng: random.Random) -> str:
    """Local names, parameters and private helpers renamed consistently (public names kept)."""
    tree = ast.parse(source)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_"):
            names.add(node.name)
    in_fstrings = " ".join(
        t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.string[:1] in "fF"
    )
    names = {name for name in names if f"{{{name}" not in in_fstrings}  # a tokenizer before 3.12 cannot rename inside
    mapping = {name: f"{rng.choice(WORDS)}_{i}" for i, name in enumerate(sorted(names))}
    return _replace_tokens(
        source, lambda tok, prev: mapping.get(tok.string) if tok.type == tokenize.NAME and prev != "." else None
    )


def reformatted_literals(source: str, rng: random.Random) -> str:
    def change(tok: tokenize.TokenInfo, prev: str) -> str | None:
        text = tok.string
        if tok.type == tokenize.NUMBER and text.endswith(".0"):
            return text[:-1] if rng.random() < 0.5 else text + "0"
        if tok.type == tokenize.NUMBER and text.isdigit() and int(text) > 1:
            return hex(int(text))
        if tok.type == tokenize.STRING and text[:1] in "\"'" and "'" not in text[1:-1] and '"' not in text[1:-1]:
            quote = "'" if text[0] == '"' else '"'
            return quote + text[1:-1] + quote
        return None

    return _replace_tokens(source, change)


def _replace_tokens(source: str, change: object) -> str:
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []
    prev = ""
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        new = change(tok, prev)  # type: ignore[operator]
        if new is not None and tok.start[0] == tok.end[0]:
            edits.append((tok.start[0], tok.start[1], tok.end[1], new))
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            prev = tok.string
    for row, start, end, new in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + new + line[end:]
    return "".join(lines)


def commented(source: str, rng: random.Random) -> str:
    """A comment line before about a third of the statements, indented like them."""
    starts = {node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.stmt)}
    out = []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if number in starts and rng.random() < 0.35:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# {rng.choice(COMMENTS)}\n")
        out.append(line)
    return "".join(out)


def with_dead_code(source: str, rng: random.Random) -> str:
    """An unused assignment at the top of every function, a never-taken branch, an unused helper."""
    tree = ast.parse(source)
    firsts = {f.body[0].lineno: f.body[0].col_offset for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
    out = []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if number in firsts:
            pad = " " * firsts[number]
            out.append(f"{pad}{rng.choice(WORDS)}_dead = {rng.randint(2, 99)}\n")
            if rng.random() < 0.5:
                out.append(f"{pad}if False:\n{pad}    print('debug')\n")
        out.append(line)
    out.append("\n\ndef _unused_helper(value):\n    return value * 2 + 1\n")
    return "".join(out)


def reordered(source: str, rng: random.Random) -> str:
    """Top-level definitions shuffled; imports stay first."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    head, chunks = [], []
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        text = "".join(lines[first - 1 : node.end_lineno]).rstrip("\n") + "\n"
        (head if isinstance(node, (ast.Import, ast.ImportFrom)) else chunks).append(text)
    rng.shuffle(chunks)
    return "".join(head) + "\n\n" + "\n\n".join(chunks)


def light(source: str, rng: random.Random) -> str:
    return commented(reformatted_literals(renamed(source, rng), rng), rng)


def heavy(source: str, rng: random.Random) -> str:
    return commented(reformatted_literals(renamed(with_dead_code(reordered(source, rng), rng), rng), rng), rng)


def main() -> None:
    documents = []
    for exercise in EXERCISES:
        (HERE / "copies" / exercise).mkdir(parents=True, exist_ok=True)
        for original in sorted((HERE / "originals" / exercise).glob("*.py")):
            source = original.read_text(encoding="utf-8")
            documents.append(
                {"path": f"originals/{exercise}/{original.name}", "exercise": exercise, "origin": original.stem}
            )
            for how, disguise in (("light", light), ("heavy", heavy)):
                rng = random.Random(f"{exercise}/{original.stem}/{how}")
                copy = disguise(source, rng)
                ast.parse(copy)  # a disguised copy is still a Python program
                path = HERE / "copies" / exercise / f"{original.stem}_{how}.py"
                path.write_text(copy, encoding="utf-8")
                documents.append(
                    {"path": f"copies/{exercise}/{path.name}", "exercise": exercise, "origin": original.stem}
                )
    references = {
        e: [f"question_bank/exercises/{name}/reference.py" for name in names] for e, names in EXERCISES.items()
    }
    labels = {"split": SPLIT, "references": references, "documents": documents}
    (HERE / "labels.json").write_text(json.dumps(labels, indent=2) + "\n", encoding="utf-8")
    print(f"{len(documents)} documents in {len(EXERCISES)} exercises")


if __name__ == "__main__":
    main()
