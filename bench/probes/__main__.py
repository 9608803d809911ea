import importlib
import sys

from bench.probes import PROBES, __doc__ as USAGE


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in PROBES:
        print(USAGE, file=sys.stderr)
        return 2
    return importlib.import_module(f"bench.probes.{argv[0]}").main(argv[1:])


sys.exit(main(sys.argv[1:]))
