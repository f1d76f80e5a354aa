from __future__ import annotations

import json
import random
import shutil
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import main
from harness.similarity.code import code_document, code_hashes
from harness.similarity.fingerprints import kgram_hashes, winnow
from harness.similarity.pairs import SimilaritySettings, compare_documents
from harness.similarity.text import text_document, text_hashes
from harness.similarity.tokens import code_tokens
from tests.similarity.labeled import DATA, REPO, figures, scored_pairs

SETTINGS = SimilaritySettings()


def texts(source: str) -> list[str]:
    return [t.text for t in code_tokens(source)]


def test_renaming_literals_comments_and_layout_do_not_change_the_tokens() -> None:
    original = 'def area(width, height=2.0):\n    """Docstring."""\n    return width * height  # product\n'
    disguised = "def f(a,\n      b=2.):\n    # nothing to see\n\n    return a*b\n"
    assert texts(original) == texts(disguised)
    assert texts(original) == ["def", "V", "(", "V", ",", "V", "=", "N", ")", ":", ";", "return", "V", "*", "V", ";"]


def test_attribute_names_and_builtins_are_kept() -> None:
    assert texts("y = np.exp(len(x))") == ["V", "=", "V", ".", "exp", "(", "len", "(", "V", ")", ")", ";"]
    assert texts("y = np.exp(x)") != texts("y = np.log(x)")


def test_a_file_that_stops_tokenizing_keeps_what_was_read() -> None:
    assert texts("x = 1\ny = (2,\n")[:4] == ["V", "=", "N", ";"]


def test_kgram_hashes_are_the_documented_polynomial_and_the_same_in_every_process() -> None:
    # h = (crc32(a) * B + crc32(b)) mod (2^61 - 1), B = 1_000_003 (fingerprints.py)
    crc = [zlib.crc32(t.encode()) for t in ("a", "b", "c")]
    mod, base = (1 << 61) - 1, 1_000_003
    assert kgram_hashes(["a", "b", "c"], 2) == [(crc[0] * base + crc[1]) % mod, (crc[1] * base + crc[2]) % mod]
    assert kgram_hashes(["a"], 2) == []


@pytest.mark.parametrize("seed", range(20))
def test_winnowing_guarantee_a_shared_run_of_w_plus_k_minus_1_tokens_is_found(seed: int) -> None:
    rng = random.Random(seed)
    k, window = SETTINGS.k, SETTINGS.window
    shared = [rng.choice("abcdefgh") for _ in range(window + k - 1)]
    left = [rng.choice("ijklmnop") for _ in range(rng.randint(0, 30))] + shared
    right = shared + [rng.choice("qrstuvwx") for _ in range(rng.randint(0, 30))]
    prints = [{fp.hash for fp in winnow(kgram_hashes(s, k), window, k)} for s in (left, right)]
    assert prints[0] & prints[1]


def test_a_copy_is_found_with_its_regions_and_the_reference_is_excluded() -> None:
    original = (DATA / "originals" / "mle" / "author1.py").read_text(encoding="utf-8")
    copy = (DATA / "copies" / "mle" / "author1_heavy.py").read_text(encoding="utf-8")
    other = (DATA / "originals" / "mle" / "author2.py").read_text(encoding="utf-8")
    docs = [code_document(s, "mle.py", src, SETTINGS) for s, src in (("a", original), ("b", copy), ("c", other))]
    matches = compare_documents(docs, set(), SETTINGS)
    assert [(m.a, m.b) for m in matches] == [("a", "b")]
    assert matches[0].score >= SETTINGS.threshold and matches[0].regions
    original_lines, copy_lines = original.count("\n") + 1, copy.count("\n") + 1
    for region in matches[0].regions:
        assert 1 <= region.a[0] <= region.a[1] <= original_lines and 1 <= region.b[0] <= region.b[1] <= copy_lines
    # Had the original been the reference (or starter code), nothing of it would count.
    assert compare_documents(docs, code_hashes(original, SETTINGS), SETTINGS) == []


def test_text_answers_compare_by_normalised_word_ngrams_without_the_prompt() -> None:
    prompt = "Explain what a discriminative model learns."
    a = "A discriminative model learns the decision boundary between classes, e.g. spam or not spam emails."
    b = "a Discriminative model learns THE decision-boundary between classes (e.g. spam or not spam emails)!"
    c = "It models p(y|x) directly, so it cannot generate new examples of the data."
    docs = [text_document(s, "q", t, SETTINGS.text_n) for s, t in (("s1", a), ("s2", b), ("s3", c))]
    matches = compare_documents(docs, text_hashes(prompt, SETTINGS.text_n), SETTINGS)
    assert [(m.a, m.b, m.kind) for m in matches] == [("s1", "s2", "text")]
    assert matches[0].regions[0].a[0] >= 1  # word numbers
    assert compare_documents(docs, text_hashes(a, SETTINGS.text_n), SETTINGS) == []


def test_the_labeled_test_split_meets_the_targets_at_the_default_settings() -> None:
    result = figures(scored_pairs("test", SETTINGS), SETTINGS.threshold)
    assert (result.copies, result.independent) == (30, 180)
    assert result.recall >= 0.95
    assert result.false_positive_rate <= 0.02


def test_the_labeled_copies_are_what_make_set_makes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_set", DATA / "make_set.py")
    assert spec and spec.loader
    make_set = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_set)
    source = (DATA / "originals" / "pmfs" / "author3.py").read_text(encoding="utf-8")
    made = make_set.heavy(source, random.Random("pmfs/author3/heavy"))
    assert made == (DATA / "copies" / "pmfs" / "author3_heavy.py").read_text(encoding="utf-8")


def test_cli_lists_pairs_writes_stable_json_and_escaped_html(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort"
    sources = {"s1": "originals/mle/author1.py", "s2": "copies/mle/author1_light.py", "s3": "originals/mle/author3.py"}
    for student, path in sources.items():
        (cohort / student).mkdir(parents=True)
        shutil.copy(DATA / path, cohort / student / "mle.py")
    with (cohort / "s2" / "mle.py").open("a", encoding="utf-8") as handle:
        handle.write("# <script>alert(1)</script>\n")
    out = tmp_path / "sim.json"
    bank = REPO / "question_bank" / "coding.yaml"
    args = ["similarity", str(cohort), "--bank", str(bank), "--json", str(out), "--html", str(tmp_path / "html")]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document) == {"schema_version", "settings", "compared", "pairs", "skipped"}
    assert [(p["item"], p["a"], p["b"]) for p in document["pairs"]] == [("mle.py", "s1", "s2")]
    assert set(document["pairs"][0]) == {"item", "kind", "a", "b", "score", "shared", "regions"}
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page and "<script>" not in page


def test_text_answers_meet_the_targets_at_the_default_threshold() -> None:
    from tests.similarity.labeled import text_pairs

    result = figures(text_pairs(SETTINGS), SETTINGS.threshold)
    assert result.copies > 100 and result.independent > 1000
    assert result.recall >= 0.95
    assert result.false_positive_rate <= 0.02


def test_starter_code_handed_out_is_not_counted(tmp_path: Path) -> None:
    from harness import api

    cohort = tmp_path / "cohort"
    for student in ("s1", "s2"):
        (cohort / student).mkdir(parents=True)
        shutil.copy(DATA / "originals" / "loglik" / "author4.py", cohort / student / "mle.py")
    bank = REPO / "question_bank" / "coding.yaml"
    assert [(m.a, m.b) for m in api.similarity(cohort, [bank]).pairs] == [("s1", "s2")]
    starter = DATA / "originals" / "loglik" / "author4.py"  # as if it had been handed out
    assert api.similarity(cohort, [bank], starter=[starter]).pairs == []
