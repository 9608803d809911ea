"""The first process of a sandboxed run that has its own PID namespace (sandbox.run starts it).

sandbox.run's child unshares a PID and a mount namespace before it runs this file, so this
process stays outside them and its first child is PID 1 inside. That child mounts a /proc that
shows only the namespace's processes (no test can read tgfix's /proc/<pid>/environ or cmdline),
runs the command, reaps what the command orphans, and exits with the command's status; when it
exits, the kernel kills every process left in the namespace.

Without root, a user namespace in which this runs as root makes the mount possible; the command
then gets a nested user namespace in which it has the user's own ids again (the first argument,
UID:GID, or "-" as root) and, once it runs, no capabilities: it cannot unmount that /proc.

Run by path on tgfix's own interpreter with -I -S: it imports the standard library only.
"""

import ctypes
import os
import sys

MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
CANNOT_START = 127  # as a shell says for a command it cannot find
CLONE_NEWUSER = 0x10000000


def main(ids: str, command: list[str]) -> int:
    init = os.fork()
    if init == 0:
        os._exit(_init(ids, command))
    return _exit_code(os.waitpid(init, 0)[1])


def _init(ids: str, command: list[str]) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    # Private first: a mount on a shared / would also show in tgfix's own namespace.
    for source, target, kind, flags in ((None, b"/", None, MS_REC | MS_PRIVATE),
                                        (b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)):
        if libc.mount(source, target, kind, flags, None) != 0:
            print(f"tgfix sandbox: cannot mount {target.decode()}: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
            return CANNOT_START
    child = os.fork()
    if child == 0:
        try:
            if ids != "-":
                _become(libc, *ids.split(":"))
            os.execvp(command[0], command)
        except OSError as error:
            print(f"{command[0]}: {error.strerror}", file=sys.stderr)
        os._exit(CANNOT_START)
    while True:  # as PID 1, every orphan of the namespace is ours to reap
        pid, status = os.wait()
        if pid == child:
            return _exit_code(status)


def _become(libc, uid: str, gid: str) -> None:
    """The user's own ids, in a user namespace of their own nested in ours."""
    if libc.unshare(CLONE_NEWUSER) != 0:
        raise OSError(ctypes.get_errno(), "unshare failed")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} 0 1"), ("gid_map", f"{gid} 0 1")):
        with open(f"/proc/self/{name}", "w") as mapping:
            mapping.write(text)


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell says


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
