"""Every prompt tgfix sends, as readable templates. Review them like code.

A Prompt is a system message and a user template. Tags (<FILE>, <LOSS>, ...) mark where
each input starts and ends, as in TextGrad; the model's answer is never parsed by tag,
only by a fenced code block or diff.
"""

from dataclasses import dataclass
from string import Template

MAX_TOKENS = 4096  # the longest answer asked for by default (setting max_tokens): a whole 150-line file fits


@dataclass(frozen=True)
class Prompt:
    system: str
    user: Template

    def messages(self, **fields: str) -> list[dict]:
        return [{"role": "system", "content": self.system},
                {"role": "user", "content": self.user.substitute(**fields)}]


# --- pieces every prompt may hold ---------------------------------------------------------

PROBLEM = Template("""
<PROBLEM>
$problem
</PROBLEM>
""")

MEMORY = Template("""
<PAST_ATTEMPTS>
Earlier changes this run tried, and what the tests said. Do not repeat a rejected idea; \
if the same advice failed before, look for a different cause.
$attempts
</PAST_ATTEMPTS>
""")

ATTEMPT = Template("""\
Attempt $number ($verdict: $outcome):
$diff""")

# --- the loss as the model reads it -----------------------------------------------------

LOSS = Template("""\
Tests passing: $score.
Failing tests:
$failures$suspicious""")

FAILURE = Template("""\
- $test: $message
$traceback""")

SUSPICIOUS = Template("""
Lines most executed by failing tests and least by passing ones (suspiciousness 0-1):
$lines""")

TRACE = Template("""
The last lines of $name that $test ran, with the values of its variables just before each line:
$lines""")

TIMING = Template("""\
All $count tests pass. Time of $what: $timing.
Slowest tests: $slowest$hot$growth""")

HOT_LINES = Template("""
Where the time goes in $name (share of the time sampled in the file, one run of $what):
$lines""")

GROWTH = Template("""
How its time grows: $function, called again on the first quarter, half and all of the inputs of \
its largest call in one run of $what, took (input size: time) $sizes. Doubling the input \
multiplies its time by $factor: $order.""")

# --- backward: the textual gradient ---------------------------------------------------

REPAIR_CRITIQUE = Prompt(
    system="""\
You are the gradient engine of a code-repair tool. You read a source file and the \
results of its tests, and you explain what in the file is wrong and how it must change. \
You never write code: the optimizer that reads your critique writes the code.""",
    user=Template("""\
The variable to improve is `$name`, $role.
$problem
<FILE name="$name">
$numbered_file
</FILE>

<LOSS>
$loss
</LOSS>
$memory
Write the critique. For each failing test, say "The code fails <test> because ...", \
naming the function and line numbers responsible and the behaviour the test expects. \
Then say, in words, how the code must change. Assume the tests are correct. \
Hidden tests will be harder than these, so ask for a general fix, not one tuned to \
these asserts. Be short and specific. Do not write code."""))

SPEED_CRITIQUE = Prompt(
    system="""\
You are the gradient engine of a code-speed tool. You read a source file whose tests all \
pass and how long they take, and you explain where the time goes and how the algorithm \
must change to run faster. You never write code: the optimizer that reads your critique \
writes the code.""",
    user=Template("""\
The variable to speed up is `$name`, $role. Every test passes; now it must run faster.
$problem
<FILE name="$name">
$numbered_file
</FILE>

<TIMING>
$loss
</TIMING>
$memory
Write the critique. Name the performance bottleneck: the function and line numbers where \
the time goes, and the time complexity there. Then say, in words, which algorithmic \
improvement removes it (a better data structure, memoization, one pass instead of nested \
loops...). The behaviour must stay identical: the same result for every input, including \
the inputs of hidden tests. Be short and specific. Do not write code."""))

# --- step: textual gradient descent -------------------------------------------------------

FEEDBACK = Template("""
<FEEDBACK>
$critique
</FEEDBACK>
""")

# One prompt for every repair step: the file, the first failure with the suspicious lines, the
# critique when one was written, the memory of this run's attempts. bench.probes.first_prompt chose the
# first step's form among six; later steps read it too, for the longer prompt with the role, all
# failures and constraints made the 1.5B model return the file unchanged more often and solved
# fewer of the cases a first step misses (bench/reports/step-prompt).
REPAIR_STEP = Prompt(
    system="You are an expert programmer who fixes bugs.",
    user=Template("""<FILE name="$name">
$file
</FILE>
$problem
$first_loss
$feedback$memory
The tests are correct. Fix the bug. $answer_format"""))

# The bare prompt: one plain request, as a user would type it (the benchmark's single-shot). Its
# greedy answer is the run's second opinion: a different phrasing makes a different best guess,
# and the search should never miss what one plain call finds (bench/reports/embedded-1.5b-full:
# 40_longest_unique_substring was fixed by it and missed by every answer to REPAIR_STEP).
BARE_REPAIR = Prompt(
    system="You are an expert Python programmer who fixes bugs.",
    user=Template("""\
```python
$file
```
$problem
$failure

The tests are correct. Fix the bug. Reply with the complete corrected file in one python code block."""))

SPEED_STEP = Prompt(
    system="""\
You are the optimizer of a code-speed tool. You receive a source file whose tests all pass, \
how long they take and a critique naming the bottleneck, and you rewrite the file to run \
faster with exactly the same behaviour.""",
    user=Template("""\
The variable to speed up is `$name`, $role.
$problem
<FILE name="$name">
$file
</FILE>

<TIMING>
$loss
</TIMING>
$feedback$memory
<CONSTRAINTS>
1. Never change the tests; every one of them must still pass.
2. Keep every public name and function signature.
3. Return the same result as now for every input, hidden tests' inputs included.
4. Change the algorithm where the time goes; keep the rest of the file as it is.
</CONSTRAINTS>

$answer_format"""))

# When a step's proposals were all programs tried before (or the file unchanged), polish asks again at
# once, without the critique whose idea that was, naming the next technique of SPEED_APPROACHES the
# file does not already use (in the polish benchmark, three iterations running answered "no change"
# to the same critique once the file had the critique's idea, and the first technique of the list was
# often the one the file already used).
ANOTHER_APPROACH = Template("""
<ANOTHER_APPROACH>
The last proposals were programs already tried, or the file unchanged: that idea has been tried. \
Rewrite the slow part with a different technique: $approach. If it cannot help here, use another \
technique that removes the bottleneck.
</ANOTHER_APPROACH>
""")

# Each technique, and what in a file shows that it already uses it.
SPEED_APPROACHES = {
    "a dict or a set, for lookups in constant time instead of scans": r"\bdict\(|\bset\(|defaultdict|Counter|\{\}",
    "sorting first, then one pass (two pointers)": r"\bsorted\(|\.sort\(",
    "prefix sums or running totals, in one pass": r"\baccumulate\b|\bprefix",
    "dynamic programming over a table instead of recursion": r"\bdp\b|\btable\b",
    "a heap (heapq), or a monotonic stack or deque": r"\bheapq\b|\bdeque\b",
    "binary search (bisect) on a sorted list": r"\bbisect\b",
    "caching the results of repeated calls (functools.cache)": r"\bcache\b|\blru_cache\b|\bmemo",
}

WHOLE_FILE_FORMAT = Template("""\
Reply with the complete corrected `$name` in a single ```$lang code block, and nothing else.""")

UDIFF_FORMAT = Template("""\
Reply with a unified diff of `$name` in a single ```diff code block, and nothing else. \
Start with `--- a/$name` and `+++ b/$name`. Begin each hunk with `@@ ... @@` (no line \
numbers are needed). Replace whole functions rather than single lines: remove the old \
function with `-` lines and add the new one with `+` lines, with a few unchanged \
context lines around it copied exactly.""")

# --- step, function-scoped: only the definitions the failing tests execute (tgfix.scope) ----

FUNCTION_FORMAT = Template("""\
Reply with the complete corrected definitions of only these functions of `$name`: $targets. \
Write each one whole, from its decorators to its last line, and write a method inside its \
`class ...:` line. Put them in a single ```python code block, and nothing else: the rest \
of the file stays as it is.""")

# --- large files: one context for every call of a run (tgfix.excerpt) -------------------------
# Every call on a large file starts with the same text: this system message, then SCOPED_CONTEXT
# (the part of the file the failures touch, the failing tests). What changes from call to call
# (the latest failure, the critique, the memory, what to answer) comes after it, so llama.cpp's
# prompt cache processes the context once per run, not once per call.

SCOPED_SYSTEM = "You are an expert programmer who fixes bugs."

SHOWN_WITH_TARGETS = "the definitions to fix in full; the imports; the definitions they use by their signatures"
SHOWN_BUT_ONE = "the definitions to fix in full but one; the imports; the definitions they use by their signatures"
SCOPED_CONTEXT = Template("""\
<FILE name="$name" shown="$shown">
$excerpt
</FILE>

<FAILING_TESTS>
$tests
</FAILING_TESTS>
$problem""")

SCOPED_REPAIR_STEP = Prompt(
    system=SCOPED_SYSTEM,
    user=Template("""$context
$first_loss
$feedback$memory
The tests are correct. Fix the bug. $answer_format"""))

# The plain request on a file read whole whose answer is its targets (100+ lines): its context.
FILE_SHOWN = Template("""```python
$file
```
$problem""")

# The plain request on a large file: the run's second opinion, after the same context.
SCOPED_BARE_REPAIR = Prompt(
    system=SCOPED_SYSTEM,
    user=Template("""$context
$failure

The tests are correct. Fix the bug. $answer_format"""))

# One line the failures point at, written again without being shown it: shown the line, a small model
# copies it, bug included. The answer is begun with the definition up to that line (tgfix.optimizer).
CLOZE_MARK = "...  # the wrong line, left out"
CLOZE = Prompt(
    system=SCOPED_SYSTEM,
    user=Template("""$context
$failure

The tests are correct. One line of `$target` is wrong. Here `$target` is without it: \
the line `$mark` stands in its place.
```python
$masked
```
Write `$target` again, with that line as it must read for the tests to pass."""))

SCOPED_CRITIQUE = Prompt(
    system=SCOPED_SYSTEM,
    user=Template("""$context
<LOSS>
$loss
</LOSS>
$memory
Do not fix it yet: explain the bug. For each failing test, say "The code fails <test> because ...", \
naming the function and line numbers responsible and the behaviour the test expects. \
Then say, in words, how the code must change. Assume the tests are correct. \
Be short and specific. Do not write code."""))
