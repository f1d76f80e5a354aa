"""Quiz benchmarks: start-up of ``harness check`` and cohort throughput, each against a peer floor.

Run from the repository root::

    .venv/bin/python bench/bench_quiz.py [--students 1000] [--runs 7]

(a) Start-up: ``harness check BANK --answers A`` end to end as a subprocess (median of
    ``--runs``), against the floor ``python -c "import yaml; yaml.safe_load(open(A))"``
    (interpreter + YAML). ``-X importtime`` shows whether torch, transformers or torchmetrics
    were imported; that is the one hard failure (exit 1): a quiz must never pull them in.
(b) Throughput: ``--students`` generated students x 60 questions through
    ``harness.api.grade(..., formats=["json"])``, against the peer that only parses the same
    answers files with libyaml's C loader (``yaml.load(f, Loader=yaml.CSafeLoader)``, one
    process, one file after another, as harness grades them). The pure-Python loader's time
    is shown too (information). Each side runs in a fresh child process that reports its own
    wall time and peak RSS (``ru_maxrss``). HTML rendering of the same cohort is timed
    separately when the html reporter is installed (no target).

All data is generated from a fixed seed into a temporary folder, so two runs grade the same
bytes. Targets: start-up < 0.5 s; throughput within 2x the C-loader peer (issue 12), < 5 s
and < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import yaml

SEED = 20260101
HEAVY_MODULES = ("torch", "transformers", "torchmetrics")
STARTUP_TARGET_S = 0.5
THROUGHPUT_TARGET_S = 5.0
THROUGHPUT_RATIO_TARGET = 2.0  # x the peer that parses the answers with libyaml's C loader
MEMORY_TARGET_MB = 300.0
PYTHON = sys.executable
HARNESS = str(Path(sys.executable).with_name("harness"))

# --- a realistic 60-question bank --------------------------------------------------------

TOPICS = ["probability", "generative-models", "transformers", "evaluation", "ethics"]
WORDS = ["generator", "discriminator", "latent", "encoder", "decoder", "attention", "token", "likelihood"]
COUNTS = {"choice": 12, "true_false": 10, "numeric": 12, "text": 12, "matching": 7, "ordering": 7}


def _choice(i: int, rng: random.Random) -> dict[str, Any]:
    many = i % 3 == 0
    n_options = rng.randint(3, 5)
    correct = set(rng.sample(range(n_options), 2 if many else 1))
    return {
        "select": "many" if many else "one",
        "options": [
            {"id": f"o{j}", "text": f"Option {j} about {rng.choice(WORDS)}", "correct": j in correct}
            for j in range(n_options)
        ],
        **({"partial_credit": rng.choice(["all_or_nothing", "right_minus_wrong", "per_option"])} if many else {}),
    }


def _numeric(i: int, rng: random.Random) -> dict[str, Any]:
    if i % 4 == 0:  # parameterised: every student gets their own numbers
        return {
            "parameters": {"n": {"int": [10, 40]}, "k": {"int": [1, 39]}},
            "constraints": ["k < n"],
            "prompt": "In {{ n }} flips we saw {{ k }} heads. What is the MLE of p?",
            "answer": "k / n",
            "tolerance": {"abs": 0.001},
        }
    return {"answer": round(rng.uniform(0, 10), 3), "tolerance": rng.choice([{"abs": 0.01}, {"rel": 0.05}])}


def _text(i: int, rng: random.Random) -> dict[str, Any]:
    a, b, c = rng.sample(WORDS, 3)
    question: dict[str, Any] = {
        "reference": f"The {a} works with the {b} to model the {c} distribution.",
        "rubric": {
            "design": "One point per idea a careful grader would look for; a penalty for the misconception.",
            "criteria": [
                {"id": "first", "description": f"Names the {a}", "points": 1, "any_of": [a, [f"{a}s", f"the {a}"]]},
                {"id": "both", "description": f"Names {b} and {c}", "points": 1, "all_of": [b, c]},
                {"id": "formula", "description": "Gives the objective", "points": 1, "regex": r"min\s*max|minimax"},
                {
                    "id": "wrong",
                    "description": "Claims it is discriminative",
                    "points": -1,
                    "any_of": ["is discriminative"],
                    "must_not": ["not discriminative"],
                },
            ],
        },
    }
    if i % 2 == 0:
        question["similarity"] = {"points": 1, "zero_at": 0.2, "full_at": 0.6}
    return question


def _matching(i: int, rng: random.Random) -> dict[str, Any]:
    lefts = [f"Model{i}_{j}" for j in range(4)]
    return {"pairs": {left: f"idea {left.lower()}" for left in lefts}, "distractors": ["decision trees"]}


def _ordering(i: int, rng: random.Random) -> dict[str, Any]:
    return {"items": [f"step{j}" for j in range(5)], "scoring": rng.choice(["exact", "position", "pairs"])}


def _true_false(i: int, rng: random.Random) -> dict[str, Any]:
    return {"answer": rng.random() < 0.5}


BUILDERS = {
    "choice": _choice,
    "true_false": _true_false,
    "numeric": _numeric,
    "text": _text,
    "matching": _matching,
    "ordering": _ordering,
}


def make_bank(rng: random.Random) -> dict[str, Any]:
    questions = []
    for kind, count in COUNTS.items():
        for i in range(count):
            q: dict[str, Any] = {
                "id": f"{kind}-{i:02d}",
                "kind": kind,
                "prompt": f"Question {i} of kind {kind} about {rng.choice(WORDS)}.",
                "feedback": {"explanation": f"Because of the {rng.choice(WORDS)}.", "incorrect": "Re-read the notes."},
                "tags": {"topic": rng.choice(TOPICS), "difficulty": rng.choice(["easy", "medium", "hard"])},
            }
            q.update(BUILDERS[kind](i, rng))
            if i % 10 == 9:
                q["visibility"] = "hidden"
            questions.append(q)
    return {
        "id": "bench",
        "title": "Benchmark bank",
        "version": "1",
        "synonyms": {"generator": ["generative network"], "token": ["tokens", "subword"]},
        "questions": questions,
    }


def _answer(q: dict[str, Any], rng: random.Random) -> Any:
    """A plausible answer: mostly right, sometimes wrong, missing or of the wrong type."""
    roll = rng.random()
    if roll < 0.05:
        return None  # missing
    if roll < 0.08:
        return {"oops": [1, 2]}  # wrong type
    right = roll < 0.7
    kind = q["kind"]
    if kind == "choice":
        ids = [o["id"] for o in q["options"]]
        good = [o["id"] for o in q["options"] if o["correct"]]
        pick = good if right else rng.sample(ids, len(good))
        return pick if q["select"] == "many" else pick[0]
    if kind == "true_false":
        return q["answer"] if right else (not q["answer"])
    if kind == "numeric":
        if isinstance(q["answer"], str):
            return f"{rng.randint(1, 39)}/{rng.randint(10, 40)}"
        return q["answer"] if right else round(q["answer"] + rng.uniform(1, 2), 3)
    if kind == "text":
        words = rng.sample(WORDS, 4)
        return f"The {words[0]} and the {words[1]} play a minimax game over the {words[2]}."
    if kind == "matching":
        rights = list(q["pairs"].values())
        if not right:
            rng.shuffle(rights)
        return dict(zip(q["pairs"], rights, strict=True))
    items = list(q["items"])
    if not right:
        rng.shuffle(items)
    return items


def make_answers(bank: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    answers = {q["id"]: _answer(q, rng) for q in bank["questions"]}
    return {qid: a for qid, a in answers.items() if a is not None}


def write_data(root: Path, n_students: int) -> tuple[Path, Path, Path]:
    rng = random.Random(SEED)
    bank = make_bank(rng)
    bank_path = root / "bench.yaml"
    bank_path.write_text(yaml.safe_dump(bank, sort_keys=False, allow_unicode=True), encoding="utf-8")
    cohort = root / "cohort"
    for s in range(n_students):
        folder = cohort / f"student-{s:04d}"
        folder.mkdir(parents=True)
        text = yaml.safe_dump(make_answers(bank, rng), sort_keys=False, allow_unicode=True)
        (folder / "answers.yaml").write_text(text, encoding="utf-8")
    return bank_path, cohort, cohort / "student-0000" / "answers.yaml"


# --- measurements ------------------------------------------------------------------------


def median_wall(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, check=True, capture_output=True)  # warm the file cache once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def imported_modules(cmd: list[str]) -> tuple[set[str], dict[str, int]]:
    """From ``python -X importtime``: every top-level package imported, and the cumulative
    import time (µs) of each module the command imported directly (the outermost entries)."""
    child = subprocess.run([PYTHON, "-X", "importtime", *cmd], capture_output=True, text=True, check=True)
    packages: set[str] = set()
    outermost: dict[str, int] = {}
    for line in child.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, raw_name = line.removeprefix("import time:").split("|")
        name = raw_name.strip()
        packages.add(name.split(".")[0])
        if cumulative.strip().isdigit() and not raw_name[1:].startswith(" "):  # depth 0
            outermost[name] = int(cumulative)
    return packages, outermost


CHILD_GRADE = textwrap.dedent(
    """\
    import json, resource, sys, time
    from collections import Counter
    from pathlib import Path
    started = time.perf_counter()
    from harness import api
    from harness.plugins import registry
    from harness.results import read_cohort
    imported, cpu_imported = time.perf_counter(), time.process_time()
    bank, cohort, out = sys.argv[1:4]
    run = api.grade([bank], cohort, out, formats=["json"])
    graded, cpu_graded = time.perf_counter(), time.process_time()
    statuses = Counter(q.status.value for s in run.cohort.students for q in s.questions)
    report = {"import_s": imported - started, "grade_s": graded - imported, "statuses": statuses,
              "grade_cpu_s": cpu_graded - cpu_imported,
              "students": len(run.cohort.students), "questions": len(run.cohort.questions),
              "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if "html" in registry("reporters").names():
        results = read_cohort(Path(out) / "results.json")
        t0 = time.perf_counter()
        registry("reporters").get("html").write(results, Path(out))
        report["html_s"] = time.perf_counter() - t0
        report["html_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report))
    """
)

CHILD_FLOOR = textwrap.dedent(
    """\
    import json, resource, sys, time
    from pathlib import Path
    import yaml
    loader = getattr(yaml, sys.argv[2])
    started, cpu_started = time.perf_counter(), time.process_time()
    n = 0
    for path in sorted(Path(sys.argv[1]).glob("*/answers.yaml")):
        with open(path, encoding="utf-8") as f:
            n += len(yaml.load(f, Loader=loader))
    print(json.dumps({"parse_s": time.perf_counter() - started, "answers": n,
                      "parse_cpu_s": time.process_time() - cpu_started,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    """
)


def child_json(code: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([PYTHON, "-c", code, *args], capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# --- report ------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-quiz-") as tmp:
        root = Path(tmp)
        bank, cohort, answers = write_data(root, args.students)
        check_cmd = [HARNESS, "check", str(bank), "--answers", str(answers), "--today", "2026-01-01"]
        floor_cmd = [PYTHON, "-c", f"import yaml; yaml.safe_load(open({str(answers)!r}))"]
        subprocess.run([HARNESS, "validate", str(bank)], check=True, capture_output=True)

        check_s = median_wall(check_cmd, args.runs)
        floor_s = median_wall(floor_cmd, args.runs)
        packages, outermost = imported_modules([HARNESS, *check_cmd[1:]])
        heavy = [m for m in HEAVY_MODULES if m in packages]

        graded = child_json(CHILD_GRADE, str(bank), str(cohort), str(root / "out"))
        floor_py = child_json(CHILD_FLOOR, str(cohort), "SafeLoader")
        floor_c = child_json(CHILD_FLOOR, str(cohort), "CSafeLoader") if hasattr(yaml, "CSafeLoader") else None

    n = graded["students"]
    q = graded["questions"]
    print(f"quiz benchmark: {q} questions, {n} students, seed {SEED}, python {sys.version.split()[0]}")
    print(f"{'measure':<44} {'harness':>9} {'peer':>9} {'ratio':>7}  target")
    print(
        f"{'(a) start-up: check, median of ' + str(args.runs) + ' (s)':<44} {check_s:>9.3f} {floor_s:>9.3f} "
        f"{check_s / floor_s:>6.1f}x  < {STARTUP_TARGET_S} s: {verdict(check_s < STARTUP_TARGET_S)}"
    )
    peer = floor_c or floor_py  # the C loader's peer when libyaml is installed (it is the issue's)
    peer_name = "libyaml C loader" if floor_c else "pure-Python loader (NO libyaml)"
    ratio = graded["grade_s"] / peer["parse_s"]
    print(
        f"{f'(b) grade {n} x {q}, in-process (s)':<44} {graded['grade_s']:>9.3f} {peer['parse_s']:>9.3f} "
        f"{ratio:>6.1f}x  <= {THROUGHPUT_RATIO_TARGET:g}x: {verdict(ratio <= THROUGHPUT_RATIO_TARGET)}; "
        f"< {THROUGHPUT_TARGET_S} s: {verdict(graded['grade_s'] < THROUGHPUT_TARGET_S)}"
    )
    print(f"    peer: parse every answers file with the {peer_name}, one process, one file at a time")
    print(  # on a busy machine, wall time is mostly waiting for a core: CPU time is steadier
        f"{'    the same, CPU time of the process (s)':<44} {graded['grade_cpu_s']:>9.3f} {peer['parse_cpu_s']:>9.3f} "
        f"{graded['grade_cpu_s'] / peer['parse_cpu_s']:>6.1f}x  (info)"
    )
    print(
        f"{'(b) peak RSS of the process (MB)':<44} {graded['peak_mb']:>9.1f} {peer['peak_mb']:>9.1f} "
        f"{graded['peak_mb'] / peer['peak_mb']:>6.1f}x  < {MEMORY_TARGET_MB:g} MB: "
        f"{verdict(graded['peak_mb'] < MEMORY_TARGET_MB)}"
    )
    if floor_c is not None:
        print(
            f"{'    peer with the pure-Python SafeLoader (s)':<44} {'':>9} {floor_py['parse_s']:>9.3f} "
            f"{graded['grade_s'] / floor_py['parse_s']:>6.1f}x  (info)"
        )
    print(f"{'    import harness.api (s)':<44} {graded['import_s']:>9.3f}")
    if "html_s" in graded:
        print(f"{'    html reports, rendered alone (s)':<44} {graded['html_s']:>9.3f} {'':>9} {'':>7}  (no target)")
    total = sum(graded["statuses"].values())
    mix = ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in sorted(graded["statuses"].items()))
    print(f"    answers graded: {total} ({mix})")
    slowest = sorted(outermost.items(), key=lambda kv: -kv[1])[:4]
    print("    slowest imports in check: " + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in slowest))
    print(f"    heavy ML modules imported by check: {', '.join(heavy) if heavy else 'none'}")
    return 1 if heavy else 0


if __name__ == "__main__":
    sys.exit(main())
