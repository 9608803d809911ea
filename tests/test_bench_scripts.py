"""The benchmark scripts that CI never runs for their numbers still run: scripted replies, small sizes."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import corpus
from bench.probes import PROBES, cloze_prompt, first_prompt, overhead, remote_candidates, samples
from bench.probes.model_speed import repair_prompt
from conftest import fenced

CHUNKED, LEAP = corpus.select(["02_chunked", "03_leap_year"])


@pytest.mark.slow
def test_first_prompt_variants_differ_as_named(scripted, tmp_path):
    scripted += [fenced(CHUNKED.fixed)] * len(first_prompt.VARIANTS)
    first_prompt.main(["--model", "openai/scripted", "--cases", CHUNKED.name, "--out", str(tmp_path)])
    prompts = {name: request["messages"][1]["content"]
               for name, request in zip(first_prompt.VARIANTS, scripted.requests)}
    assert "The first failing test" in prompts["first-only"] and "```python" in prompts["bare"]
    assert "Lines most executed" in prompts["today"] and "Lines most executed" not in prompts["several"]
    assert "Lines most executed" not in prompts["first-only"]
    assert prompts["several"].count("\n- ") > prompts["today"].count("\n- ") == 1
    assert "<CONSTRAINTS>" in prompts["long"]
    rows = [json.loads(line) for line in (tmp_path / "first_prompt.jsonl").read_text().splitlines()]
    assert [(r["variant"], r["solved"]) for r in rows] == [(name, True) for name in first_prompt.VARIANTS]
    assert "| today | 1/1 |" in (tmp_path / "first_prompt.md").read_text()


@pytest.mark.slow
def test_first_prompt_resumes_and_counts_a_miss(scripted, tmp_path):
    scripted += ["no code here"]
    args = ["--model", "openai/scripted", "--cases", LEAP.name, "--variants", "today", "--out", str(tmp_path)]
    first_prompt.main(args)
    first_prompt.main(args)  # the row is there: no second call (the script would run out of replies)
    (row,) = [json.loads(line) for line in (tmp_path / "first_prompt.jsonl").read_text().splitlines()]
    assert (row["solved"], row["passed"], row["calls"]) == (False, 0, 1)


@pytest.mark.slow
def test_samples_counts_each_arms_answers(scripted, tmp_path):
    unchanged, fixed, garbage = fenced((CHUNKED.path / CHUNKED.file).read_text()), fenced(CHUNKED.fixed), "no code here"
    scripted += [unchanged, fixed, garbage, unchanged] + [unchanged] * 4 + [fixed] * 4
    samples.main(["--model", "openai/scripted", "--cases", CHUNKED.name, "--arms", "step@0.8,step@1.1,bare@0.8",
                  "--out", str(tmp_path)])
    assert [r["temperature"] for r in scripted.requests] == [0.8] * 4 + [1.1] * 4 + [0.8] * 4
    assert len({r["seed"] for r in scripted.requests[:4]}) == 4
    assert "```python" in scripted.requests[-1]["messages"][1]["content"]
    table = (tmp_path / "samples.md").read_text()
    assert "| step@0.8 | 4 | 2 | 1 | 1 | 1 |" in table and "| step@1.1 | 4 | 4 | 0 | 0 | 0 |" in table
    assert "| bare@0.8 | 4 | 0 | 0 | 4 | 1 |" in table


@pytest.mark.slow
def test_samples_next_arm_shows_the_second_failing_test(scripted, tmp_path):
    (search,) = corpus.select(["01_binary_search"])
    scripted += ["no code here"] * 8
    samples.main(["--model", "openai/scripted", "--cases", search.name, "--arms", "step@1.1,next@1.1",
                  "--out", str(tmp_path)])
    first, second = (scripted.requests[n]["messages"][1]["content"] for n in (0, 4))
    (shown_first,), (shown_second,) = (re.findall(r"^- (\S+):", prompt, re.MULTILINE) for prompt in (first, second))
    assert shown_first != shown_second
    assert scripted.requests[4]["temperature"] == 1.1


@pytest.mark.slow
def test_cloze_prompt_counts_the_first_cloze_of_a_large_case(capsys):
    assert cloze_prompt.main(["--cases", "65_headerregistry"]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 65_")]
    request, excerpt, tests, failure, target = (int(cell.replace(",", "")) for cell in row.split("|")[2:-1])
    assert min(excerpt, tests, failure, target) > 0 and request > excerpt + tests + failure + target / 2


def test_model_speed_times_single_shots_prompt(tmp_path):
    system, user = repair_prompt(CHUNKED, tmp_path)
    assert "expert Python programmer" in system["content"]
    assert (CHUNKED.path / CHUNKED.file).read_text().rstrip() in user["content"]
    assert "The tests are correct. Fix the bug." in user["content"]


@pytest.mark.slow
def test_overhead_solves_its_project_and_leaves_tgfix_as_it_was(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(overhead.tempfile, "tempdir", str(tmp_path))
    completion, copy_project = overhead.llm.litellm.completion, overhead.sandbox.copy_project
    assert overhead.main(["--files", "40", "--tests", "20"]) == 0
    out = capsys.readouterr().out
    assert "solve: 3 iterations" in out and "stop: all tests pass" in out
    assert "tgfix overhead:" in out
    assert (overhead.llm.litellm.completion, overhead.sandbox.copy_project) == (completion, copy_project)


@pytest.mark.slow
def test_every_probe_runs_from_the_one_entry_point():
    folder = Path(overhead.__file__).parent
    assert sorted(PROBES) == sorted(p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "__main__", "rows"))
    probe = subprocess.run([sys.executable, "-m", "bench.probes", "scope_tokens", "--min-lines", "200"],
                           capture_output=True, text=True, cwd=folder.parent.parent)
    assert probe.returncode == 0, probe.stderr
    assert "fewer completion tokens" in probe.stdout
    unknown = subprocess.run([sys.executable, "-m", "bench.probes", "no_such_probe"], capture_output=True, text=True,
                             cwd=folder.parent.parent)
    assert unknown.returncode == 2 and "python -m bench.probes NAME" in unknown.stderr


def test_the_benchmark_imports_the_constants_tgfix_owns():
    def constants(paths) -> dict[str, str]:
        return {target.id: path.name for path in paths for node in ast.parse(path.read_text()).body
                if isinstance(node, ast.Assign) for target in node.targets
                if isinstance(target, ast.Name) and target.id.isupper()}

    root = Path(overhead.__file__).parent.parent.parent
    owned = constants((root / "tgfix").rglob("*.py"))
    declared = constants(p for p in (root / "bench").rglob("*.py") if "cases" not in p.parts)
    assert {name: (where, owned[name]) for name, where in declared.items() if name in owned} == {}


@pytest.mark.slow
def test_remote_candidates_times_both_ways(capsys):
    remote_candidates.main(["--delay", "0.3", "--ks", "1,4"])
    rows = [line for line in capsys.readouterr().out.splitlines() if re.match(r"\| \d", line)]
    assert [row.split(" | ")[0] for row in rows] == ["| 1", "| 4"]
    assert rows[1].endswith("| 4 |")  # four requests under way at once
