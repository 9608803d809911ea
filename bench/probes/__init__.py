"""One-off probes of tgfix's parts, apart from the benchmark proper (python -m bench):

    python -m bench.probes NAME [options]      (python -m bench.probes NAME --help)

first_prompt   which first prompt repairs most in one greedy proposal (a model)
samples        what a later step's samples are worth, by prompt and temperature (a model)
model_speed    the embedded model's speed: load, prompt and generation rates, K samples together
prompt_cache   whether a later step's prompt reuses the earlier step's prefix (the embedded model)
scope_tokens   completion tokens function-scoped edits save (no model)
validation     what judging a candidate costs, with and without the current best's report (no model)
overhead       tgfix's own overhead on a 5,000-file project, with scripted replies (no model)
hook_overhead  what `tgfix hook` adds to pytest when the tests pass (no model)
remote_candidates  a step's K candidates from a remote model, one after another and at once (fake server)
scoped_prompt  prompt tokens per call on a 1,382-line module, whole file against its excerpt (no model;
               --replay: their seconds on the embedded model)
cloze_prompt   what the first cloze of each large case reads, in characters, and of what (no model)
first_step     the first step's greedy reply on one case: seconds, tokens, the reply (the embedded model)
growth         how the time of each polish problem's costliest function grows, slow and reference (no model)
"""

PROBES = ("first_prompt", "samples", "model_speed", "prompt_cache", "scope_tokens", "validation", "overhead",
          "hook_overhead", "remote_candidates", "scoped_prompt", "cloze_prompt", "first_step", "growth")
