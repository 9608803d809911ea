import _thread
import dataclasses
import hashlib
import json
import multiprocessing
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import litellm
import pytest

from conftest import BUGGY_STATS, cli, fenced, with_ctrl_c
from tgfix import local
from tgfix.local import gguf, runtime

PARTS = [b"first chunk|", b"second chunk|", b"third"]
JOINED = b"".join(PARTS)
SHA = hashlib.sha256(JOINED).hexdigest()


@pytest.fixture
def chunks(tmp_path, monkeypatch):
    monkeypatch.setenv("TGFIX_CACHE_DIR", str(tmp_path / "cache"))
    paths = []
    for n, data in enumerate(PARTS, 1):
        path = tmp_path / "parts" / f"part{n}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def models_dir() -> Path:
    return local.cache_dir() / "models"


def test_cache_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("TGFIX_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert local.cache_dir() == tmp_path / "home" / ".cache" / "tgfix"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert local.cache_dir() == tmp_path / "xdg" / "tgfix"
    monkeypatch.setenv("TGFIX_CACHE_DIR", str(tmp_path / "own"))
    assert local.cache_dir() == tmp_path / "own"


def test_is_installed_needs_every_chunk(monkeypatch):
    monkeypatch.setattr(gguf, "CHUNK_PACKAGES", gguf.CHUNK_PACKAGES + ("tgfix_no_such_chunk",))
    assert not local.is_installed()
    with pytest.raises(local.ModelError, match="not installed"):
        gguf.chunk_paths()


def test_joins_chunks_in_order(chunks):
    path = local.model_file(chunks, SHA, name="tiny")
    assert path == models_dir() / "tiny.gguf"
    assert path.read_bytes() == JOINED
    stamp = json.loads((path.parent / "tiny.gguf.verified").read_text())
    assert stamp["sha256"] == SHA and stamp["size"] == len(JOINED)


def test_checksum_mismatch_is_refused_and_leaves_no_file(chunks):
    with pytest.raises(local.ModelError, match="checksum mismatch") as caught:
        local.model_file(list(reversed(chunks)), SHA, name="tiny")
    assert "\n" not in str(caught.value)
    leftovers = {p.name for p in models_dir().iterdir()} - {"tiny.gguf.lock"}
    assert leftovers == set()


def test_missing_chunk_leaves_no_file(chunks, tmp_path):
    with pytest.raises(local.ModelError, match="cannot build"):
        local.model_file([*chunks, tmp_path / "gone.bin"], SHA, name="tiny")
    assert not (models_dir() / "tiny.gguf").exists()
    assert not list(models_dir().glob("*.tmp"))


def test_verified_file_is_reused_without_hashing(chunks, monkeypatch):
    path = local.model_file(chunks, SHA, name="tiny")

    def no_hashing(*args):
        raise AssertionError("re-hashed a verified model file")

    monkeypatch.setattr(gguf.hashlib, "sha256", no_hashing)
    for chunk in chunks:
        chunk.unlink()
    assert local.model_file(chunks, SHA, name="tiny") == path


@pytest.mark.parametrize("corrupt", ["append", "truncate", "stamp"])
def test_changed_file_is_joined_again(chunks, corrupt):
    path = local.model_file(chunks, SHA, name="tiny")
    if corrupt == "append":
        with open(path, "ab") as out:
            out.write(b"junk")
    elif corrupt == "truncate":
        path.write_bytes(JOINED[:5])
    else:
        (path.parent / "tiny.gguf.verified").write_text("{not json")
    joined = local.model_file(chunks, SHA, name="tiny")
    assert joined.read_bytes() == JOINED
    stamp = json.loads((path.parent / "tiny.gguf.verified").read_text())
    assert (stamp["sha256"], stamp["size"], stamp["mtime_ns"]) == (SHA, len(JOINED), joined.stat().st_mtime_ns)


def test_new_expected_hash_is_not_satisfied_by_old_stamp(chunks):
    local.model_file(chunks, SHA, name="tiny")
    with pytest.raises(local.ModelError, match="checksum mismatch"):
        local.model_file(chunks, "0" * 64, name="tiny")
    assert not (models_dir() / "tiny.gguf").exists()


def test_leftovers_of_a_killed_join_are_cleaned(chunks):
    target_dir = models_dir()
    target_dir.mkdir(parents=True)
    (target_dir / "tiny.gguf").write_bytes(JOINED[:7])  # replaced, but never stamped
    (target_dir / ".tiny.gguf.abc123.tmp").write_bytes(b"half")
    assert local.model_file(chunks, SHA, name="tiny").read_bytes() == JOINED
    assert not list(target_dir.glob("*.tmp"))


def test_concurrent_threads_join_once(chunks):
    results, errors = [], []

    def first_use():
        try:
            path = local.model_file(chunks, SHA, name="tiny")
            results.append((path.stat().st_ino, path.stat().st_mtime_ns))  # a second join writes another file
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = models_dir() / "tiny.gguf"
    assert set(results) == {(final.stat().st_ino, final.stat().st_mtime_ns)} and final.read_bytes() == JOINED


def _join_in_child(chunks):
    assert local.model_file(chunks, SHA, name="tiny").read_bytes() == JOINED


def test_concurrent_processes_end_with_one_valid_file(chunks):
    # fork: the children inherit the imported module and the test's TGFIX_CACHE_DIR.
    fork = multiprocessing.get_context("fork")
    procs = [fork.Process(target=_join_in_child, args=(chunks,)) for _ in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
    assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
    target_dir = models_dir()
    assert (target_dir / "tiny.gguf").read_bytes() == JOINED
    assert sorted(p.name for p in target_dir.iterdir()) == ["tiny.gguf", "tiny.gguf.lock", "tiny.gguf.verified"]


class FakeServer:
    """Streams ``chunks`` to the callback, or keeps streaming ``forever_chunk`` until told to stop."""

    def __init__(self, chunks=(), forever_chunk=None):
        self.chunks = list(chunks)
        self.forever_chunk = forever_chunk
        self.requests = []
        self.stopped = threading.Event()

    def handle_chat_completions(self, request, callback):
        self.requests.append(request)
        for chunk in self.chunks:
            if callback(chunk):
                self.stopped.set()
                return
        while self.forever_chunk is not None:
            time.sleep(0.01)
            if callback(self.forever_chunk):
                self.stopped.set()
                return


STREAMING = {"stream", "return_progress", "stream_options"}


def token(text, index=0, finish=None):
    return {"choices": [{"index": index, "delta": {"content": text}, "finish_reason": finish}]}


def usage(prompt, completion):
    return {"choices": [], "usage": {"prompt_tokens": prompt, "completion_tokens": completion}}


def streamed_reply(text, prompt_tokens=12, completion_tokens=5):
    return [token(text[:4]), token(text[4:]), token("", finish="stop"), usage(prompt_tokens, completion_tokens)]


def test_litellm_reaches_the_handler_with_sampling_params(monkeypatch):
    server = FakeServer(streamed_reply("def f(): pass"))
    monkeypatch.setattr(runtime, "get_server", lambda layout=None: server)
    local.register()
    local.register()
    assert [item["provider"] for item in litellm.custom_provider_map].count("local") == 1

    messages = [{"role": "user", "content": "hi"}]
    response = litellm.completion(
        model=local.LOCAL_MODEL, messages=messages, temperature=0.8, seed=7, max_tokens=64, caching=False
    )

    [request] = server.requests
    assert {k: v for k, v in request.items() if k not in STREAMING} == {
        "messages": messages, "temperature": 0.8, "seed": 7, "max_tokens": 64, "cache_prompt": True
    }
    assert request["stream"] and request["return_progress"]
    assert response.choices[0].message.content == "def f(): pass"
    assert response.choices[0].finish_reason == "stop"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (12, 5)
    assert litellm.completion_cost(response) == 0.0
    litellm.completion(model=local.LOCAL_MODEL, messages=messages, temperature=0, max_tokens=64, caching=False)
    assert server.requests[-1]["cache_prompt"] is False  # greedy: the whole prompt, whatever came before
    litellm.completion(model=local.LOCAL_MODEL, messages=messages, temperature=0, max_tokens=64, caching=False,
                       cache_prompt=True)
    assert server.requests[-1]["cache_prompt"] is True  # unless asked to reuse the prefix (tgfix.llm, later calls)


def test_context_overflow_maps_to_litellm_error(monkeypatch):
    error = {"code": 400, "type": "exceed_context_size_error", "message": "request (9030 tokens) exceeds 8192"}
    monkeypatch.setattr(runtime, "get_server", lambda layout=None: FakeServer([{"error": error}]))
    local.register()
    with pytest.raises(litellm.ContextWindowExceededError):
        litellm.completion(model=local.LOCAL_MODEL, messages=[{"role": "user", "content": "x"}])


def test_interrupt_cancels_the_generation_and_frees_the_server():
    server = FakeServer(forever_chunk=token("x"))
    threading.Timer(0.2, _thread.interrupt_main).start()
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        runtime.stream(server, {"messages": []})
    assert time.perf_counter() - started < 1.0
    assert server.stopped.wait(1.0), "the callback never asked the server to stop"
    assert not [t for t in threading.enumerate() if t.name == "tgfix-local-generation"]


LOAD_THEN_REPORT = """
import signal, sys, time
from tgfix.local import runtime
runtime.model_file = lambda: "model.gguf"
runtime.start_server = lambda path, layout: print("loading", flush=True) or time.sleep(20)
signal.signal(signal.SIGTERM, signal.default_int_handler)
try:
    runtime.get_server()
except KeyboardInterrupt:
    sys.exit("handled after the load")
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_model_load_ends_the_process_at_once(signum):
    """xllamacpp holds the GIL while it loads, so no handler could run: the signal's default action does."""
    child = subprocess.Popen([sys.executable, "-c", LOAD_THEN_REPORT], stdout=subprocess.PIPE, text=True,
                             preexec_fn=with_ctrl_c)
    assert child.stdout.readline() == "loading\n"
    sent = time.perf_counter()
    child.send_signal(signum)
    assert child.wait(timeout=30) == -signum
    assert time.perf_counter() - sent < 2.0


def test_handlers_come_back_after_the_load(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(runtime, "model_file", lambda: tmp_path / "model.gguf")
    monkeypatch.setattr(runtime, "start_server", lambda path, layout: seen.append(signal.getsignal(signal.SIGINT)))
    monkeypatch.setattr(runtime, "_servers", {})
    before = signal.getsignal(signal.SIGINT)
    runtime.get_server()
    assert seen == [signal.SIG_DFL] and signal.getsignal(signal.SIGINT) is before


def test_a_generation_past_its_timeout_is_cancelled():
    server = FakeServer(forever_chunk=token("x"))
    started = time.perf_counter()
    with pytest.raises(TimeoutError):
        runtime.stream(server, {"messages": []}, timeout=0.3)
    assert 0.3 <= time.perf_counter() - started < 1.5
    assert server.stopped.wait(1.0)


@pytest.mark.slow
def test_the_time_budget_cuts_off_the_answer_under_way(project, monkeypatch):
    """A model that never finishes: the run still ends at its wall-clock budget, as no improvement."""
    server = FakeServer(forever_chunk=token("x"))
    monkeypatch.setattr(runtime, "get_server", lambda layout=None: server)
    monkeypatch.chdir(project)
    started = time.perf_counter()
    # 8 s: the first test run must end inside the budget on a loaded machine, or no answer ever starts
    result = cli("solve", "stats.py", "--model", local.LOCAL_MODEL, "--gradient", "never", "--time-budget", "8")
    assert result.exit_code == 3, result.output
    assert "time budget (8 s) spent" in result.output
    assert time.perf_counter() - started < 16
    assert server.requests, "no answer was under way when the budget ended"
    assert server.stopped.wait(1.0)


class SlotServer:
    """Answers every request with n copies of `text`, and refuses more than it has slots, as llama.cpp does."""

    def __init__(self, layout, text, requests):
        self.layout, self.text, self.requests = layout, text, requests

    def handle_chat_completions(self, request, callback):
        self.requests.append((self.layout, request.get("n"), request["seed"]))
        n = request.get("n", 1)
        if n > self.layout.slots:
            callback({"error": {"code": 400, "type": "invalid_request_error",
                                "message": "n_cmpl cannot be greater than the number of slots, please increase -np"}})
            return
        for index in range(n):
            for chunk in (token(self.text, index), token("", index, "stop"), usage(100, 50)):
                callback(chunk)


@pytest.mark.slow
def test_more_candidates_than_slots_are_asked_for_in_batches(project, monkeypatch):
    """--candidates 5: the step after the first asks for 5 samples, 4 a request on the embedded model."""
    requests = []
    monkeypatch.setattr(runtime, "get_server", lambda layout=runtime.SINGLE: SlotServer(layout, fenced(BUGGY_STATS),
                                                                                        requests))
    monkeypatch.chdir(project)
    result = cli("solve", "stats.py", "--model", local.LOCAL_MODEL, "--candidates", "5", "--max-iters", "2",
                 "--gradient", "never", "--no-second-opinion", "--no-localize")
    assert result.exit_code == 3, result.output  # every answer the file unchanged: no improvement, no model error
    single, batched = runtime.SINGLE, runtime.BATCHED
    assert requests == [(single, None, 0), (batched, 4, 1),  # the greedy answer, then samples 1-4
                        (batched, 4, 5), (single, None, 9)]  # samples 5-8, then 9


def test_failure_in_the_worker_reaches_the_caller():
    class BrokenServer:
        def handle_chat_completions(self, request, callback):
            raise RuntimeError("llama.cpp failed")

    with pytest.raises(RuntimeError, match="llama.cpp failed"):
        runtime.stream(BrokenServer(), {"messages": []})


def test_litellm_n_returns_every_completion_with_summed_usage(monkeypatch):
    chunks = [token("a", 0), token("b", 1), token("", 1, "stop"), usage(30, 4), token("c", 0), token("", 0, "length"),
              usage(30, 6)]
    server = FakeServer(chunks)
    layouts = []
    monkeypatch.setattr(runtime, "get_server", lambda layout: layouts.append(layout) or server)
    local.register()
    response = litellm.completion(model=local.LOCAL_MODEL, messages=[{"role": "user", "content": "x"}], n=2,
                                  temperature=0.8, caching=False)
    assert server.requests[0]["n"] == 2 and layouts == [runtime.BATCHED]
    assert [(c.message.content, c.finish_reason) for c in response.choices] == [("ac", "length"), ("b", "stop")]
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (30, 10)


def test_more_samples_than_slots_is_refused(monkeypatch):
    monkeypatch.setattr(runtime, "get_server", lambda layout=None: FakeServer(streamed_reply("x")))
    local.register()
    with pytest.raises(litellm.BadRequestError, match="at most"):
        litellm.completion(model=local.LOCAL_MODEL, messages=[{"role": "user", "content": "x"}],
                           n=local.MAX_SAMPLES + 1, caching=False, num_retries=0)


@pytest.mark.model
def test_embedded_model_answers_deterministically():
    local.register()
    messages = [
        {"role": "user", "content": "Write a Python function is_even(n) that returns True for even n. Only code."}
    ]
    replies = [
        litellm.completion(
            model=local.LOCAL_MODEL, messages=messages, temperature=0, seed=1, max_tokens=96, caching=False
        )
        for _ in range(2)
    ]
    first = replies[0].choices[0].message.content
    assert "def is_even" in first
    assert replies[1].choices[0].message.content == first
    assert replies[0].usage.prompt_tokens > 10 and replies[0].usage.completion_tokens > 5


LONG_ANSWER = [{"role": "user", "content": "Write a long Python module implementing a red-black tree, with docstrings."}]

INTERRUPTED_CHILD = """
import os, signal, sys
from tgfix import local  # first, as in tgfix: it keeps litellm from fetching its price list
import litellm
from tgfix.local import runtime
signal.signal(signal.SIGTERM, signal.default_int_handler)  # as tgfix's CLI does
local.register()
runtime.get_server()
add, told = runtime._StreamedReply.add, []


def add_and_tell(reply, chunk):  # the test signals once the first token is out
    if not told and any((c.get("delta") or {}).get("content") for c in chunk.get("choices", ())):
        told.append(print("generating", flush=True))
    add(reply, chunk)


runtime._StreamedReply.add = add_and_tell
try:
    litellm.completion(model=local.LOCAL_MODEL, messages=%r, temperature=0, max_tokens=2000, caching=False)
except KeyboardInterrupt:
    os._exit(130)  # as tgfix.cli.run does once the interrupt is handled
sys.exit(1)
""" % (LONG_ANSWER,)


@pytest.mark.model
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_generation_ends_the_process_within_2_s(signum):
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED_CHILD], stdout=subprocess.PIPE, text=True,
                             preexec_fn=with_ctrl_c)
    try:
        assert child.stdout.readline().strip() == "generating"
        assert child.poll() is None
        sent = time.perf_counter()
        child.send_signal(signum)
        code = child.wait(timeout=30)
        latency = time.perf_counter() - sent
    finally:
        child.kill()
    print(f"{signal.Signals(signum).name} mid-generation: exited {code} after {latency:.2f} s")
    assert code == 130
    assert latency < 2.0


GREEDY_SHORT = [{"role": "user", "content": "Write a Python function is_even(n) that returns True for even n. Only code."}]


def greedy(request_messages=GREEDY_SHORT, server=None, max_tokens=96):
    request = {"messages": request_messages, "temperature": 0, "seed": 1, "max_tokens": max_tokens}
    return runtime.stream(server or runtime.get_server(), request)["choices"][0]["message"]["content"]


@pytest.mark.model
def test_interrupted_generation_leaves_the_server_usable(monkeypatch):
    reference = greedy()
    add, interrupted = runtime._StreamedReply.add, threading.Event()

    def add_then_interrupt(reply, chunk):  # Ctrl-C once the first token is out
        add(reply, chunk)
        if any(reply.texts.get(0, ())) and not interrupted.is_set():
            interrupted.set()
            _thread.interrupt_main()

    monkeypatch.setattr(runtime._StreamedReply, "add", add_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        runtime.chat({"messages": LONG_ANSWER, "temperature": 0, "max_tokens": 2000})
    monkeypatch.undo()
    started = time.perf_counter()
    assert greedy() == reference
    print(f"next request after the interrupt: {time.perf_counter() - started:.1f} s")


@pytest.mark.model
def test_greedy_output_does_not_depend_on_what_ran_before_it():
    local.register()
    reference = greedy()
    # Four samples generated together, on the batched server.
    response = litellm.completion(model=local.LOCAL_MODEL, messages=copy_the_file(), n=4, temperature=0.8, seed=3,
                                  max_tokens=120, caching=False)
    assert len(response.choices) == 4
    assert len({choice.message.content for choice in response.choices}) > 1
    assert greedy() == reference
    # On its own server, with n-gram drafts from other requests in between: a greedy and a sampled answer.
    greedy(copy_the_file(), max_tokens=120)
    runtime.chat({"messages": copy_the_file(), "temperature": 0.8, "seed": 4, "max_tokens": 120, "cache_prompt": True})
    assert greedy() == reference


@pytest.mark.model
def test_a_sampled_request_reuses_the_prompt_the_request_before_it_left():
    """A later step repeats the earlier one's prompt and adds to its end: only the end is processed."""
    local.register()
    earlier = copy_the_file()
    later = [{**earlier[0], "content": earlier[0]["content"] + "\nAn earlier attempt was rejected."}]
    litellm.completion(model=local.LOCAL_MODEL, messages=earlier, temperature=0.8, seed=1, max_tokens=8, caching=False)
    reply = runtime.chat({"messages": later, "temperature": 0.8, "seed": 2, "max_tokens": 8, "cache_prompt": True})
    reused, processed = reply["timings"]["cache_n"], reply["timings"]["prompt_n"]
    print(f"later prompt: {reused} tokens reused, {processed} processed")
    assert reused > 5 * processed


WHOLE_FILE = Path(__file__).parent.parent / "examples" / "quickstart" / "textstats.py"


def copy_the_file():
    return [{"role": "user", "content": f"Return this file unchanged, in a ```python block.\n{WHOLE_FILE.read_text()}"}]


@pytest.mark.model
def test_speculation_keeps_greedy_output_byte_identical():
    messages = copy_the_file()
    plain = runtime.start_server(local.model_file(), dataclasses.replace(runtime.SINGLE, speculation=None))
    assert greedy(messages, plain, max_tokens=400) == greedy(messages, max_tokens=400)
