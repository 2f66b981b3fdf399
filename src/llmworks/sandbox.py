"""The one place model-written code runs: a throwaway folder, no network, a read-only host, and hard caps.

    box = Sandbox()                                    # refuses (LlmworksError) where no isolation is possible
    run = box.run(["./prog"], workdir=folder, limits=Limits(wall_s=10))
    run.stdout, run.returncode, run.cpu_s, run.stopped  # stopped: None, "timeout", "cpu", "memory", "output", ...

Isolation comes from bubblewrap (Debian `bubblewrap`): new network, PID, IPC and UTS namespaces, the host file
system mounted read-only, the user's home hidden, `/tmp` empty, and only `workdir` writable. When llmworks runs as
root the program runs as a throwaway user id (so the process cap below applies: the kernel does not count root's
processes). Resource limits (rlimits) cap CPU seconds, address space, processes, file size (which is also the
output cap: stdout and stderr are files) and open files; a wall-clock timer kills the whole process tree.
Without bubblewrap (or where it cannot create namespaces) nothing runs: `Sandbox()` raises with the fix.
"""

from __future__ import annotations

import functools
import itertools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import LlmworksError

NO_SANDBOX_HINT = (
    "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow user namespaces "
    "(sysctl kernel.unprivileged_userns_clone=1), or run as root."
)
SANDBOX_UID = 61_000  # base of the throwaway user ids a root host runs programs as (one per run: own process count)
PATH = "/usr/local/bin:/usr/bin:/bin"
# Runs inside the sandbox in front of the program: reports the program's own exit status, CPU and wall seconds on a
# pipe the program does not inherit (bubblewrap's own start-up is not the program's time).
TIMER = """
import os, sys, time
report = int(sys.argv[1])
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(report)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as e:
        print(f"cannot run {sys.argv[2]}: {e.strerror}", file=sys.stderr)
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
os.write(report, f"{status} {usage.ru_utime + usage.ru_stime} {time.perf_counter() - start}".encode())
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


@dataclass(frozen=True)
class Limits:
    """Caps for one run; the defaults suit a small CPU-bound benchmark program."""

    wall_s: float = 20.0
    cpu_s: int = 20
    memory_mb: int = 2048  # address space: a 10 GB allocation fails inside the program
    processes: int = 32  # a fork bomb stops here
    output_kb: int = 1024  # each of stdout, stderr and any file the program writes
    open_files: int = 64


@dataclass(frozen=True)
class Run:
    """What one sandboxed run did."""

    returncode: int | None
    stdout: str
    stderr: str
    wall_s: float
    cpu_s: float
    """user + system CPU seconds of the program and its children, as the kernel counted them"""
    stopped: str | None = None
    """why the sandbox ended it: 'timeout' (wall clock), 'cpu', 'output', 'memory', or None if it ended itself"""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.stopped is None


class Sandbox:
    """Runs commands isolated; `expose` adds host folders under a hidden home (a toolchain in ~/.rustup)."""

    def __init__(self, expose: tuple[str | os.PathLike, ...] = ()):
        self.bwrap = _probe()
        self.expose = tuple(dict.fromkeys(str(Path(p).resolve()) for p in (*_python_roots(), *expose)))

    def run(
        self,
        argv: list[str],
        *,
        workdir: str | os.PathLike,
        limits: Limits = Limits(),
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Run:
        """Run `argv` in `workdir` (the only writable folder); never raises for what the program does."""
        workdir = Path(workdir).resolve()
        uid = _run_uid()
        if uid is not None:
            _chown_tree(workdir, uid)
        out_dir = Path(tempfile.mkdtemp(prefix="llmworks-out-"))  # outside workdir: the program cannot swap them
        try:
            with open(out_dir / "stdout", "wb+") as out, open(out_dir / "stderr", "wb+") as err:
                code, wall, cpu, stopped = self._spawn(argv, workdir, limits, stdin, env, uid, out, err)
                stdout, stderr = _read(out), _read(err)
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)
        if stopped is None and code is not None and code < 0:
            stopped = {
                signal.SIGXCPU: "cpu",
                signal.SIGXFSZ: "output",
                signal.SIGKILL: "cpu" if cpu >= limits.cpu_s else None,
            }.get(-code)
        if stopped is None and code != 0 and max(len(stdout), len(stderr)) >= limits.output_kb * 1024:
            stopped = "output"
        if stopped is None and code != 0 and _out_of_memory(stderr):
            stopped = "memory"
        return Run(code, stdout, stderr, wall, cpu, stopped)

    def _spawn(self, argv, workdir, limits, stdin, env, uid, out, err):
        environment = {"PATH": PATH, "HOME": str(workdir), "TMPDIR": str(workdir), "LANG": "C.UTF-8", **(env or {})}
        # the cap counts every process of the user id: a fresh id as root, else what this user already runs plus it
        processes = limits.processes + (0 if uid is not None else _own_processes())
        report_r, report_w = os.pipe()
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                [*self._wrapper(workdir, uid), sys.executable, "-I", "-S", "-c", TIMER, str(report_w), *argv],
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=environment,
                cwd=workdir,
                start_new_session=True,
                pass_fds=(report_w,),
                preexec_fn=functools.partial(_set_limits, limits, processes),
            )
        finally:
            os.close(report_w)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # bubblewrap dies; its namespace's processes die with it
            except ProcessLookupError:
                pass

        timer = threading.Timer(limits.wall_s, kill)
        timer.start()
        try:
            if stdin is not None:
                try:
                    proc.stdin.write(stdin.encode())
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            with os.fdopen(report_r, "rb") as f:
                report = f.read().split()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        wall, cpu = time.perf_counter() - started, usage.ru_utime + usage.ru_stime
        if len(report) == 3:  # the timer saw the program itself: its own status and times, not bubblewrap's
            code, cpu, wall = os.waitstatus_to_exitcode(int(report[0])), float(report[1]), float(report[2])
        return code, wall, cpu, "timeout" if timed_out.is_set() else None

    def _wrapper(self, workdir: Path, uid: int | None) -> list[str]:
        home = Path.home().resolve()
        args = [self.bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        if home != Path("/") and not workdir.is_relative_to(home):
            args += ["--tmpfs", str(home)]  # keys, ssh and shell history stay out of reach
        hidden = [Path("/tmp"), *([home] if home != Path("/") and not workdir.is_relative_to(home) else [])]
        for path in self.expose:
            args += _mount("--ro-bind", Path(path), hidden)
        args += [*_mount("--bind", workdir, hidden), "--chdir", str(workdir)]
        args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        args += ["--die-with-parent", "--new-session"]
        if uid is not None:  # root outside: drop to a throwaway user with no capabilities
            args += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all"]
            args += ["--bounding-set=-all", "--"]
        return args


def _mount(how: str, path: Path, hidden: list[Path]) -> list[str]:
    """bubblewrap arguments mounting `path`; under a hidden folder, the folders leading to it are made first, listable
    by the sandbox's user (bubblewrap would make them private to root)."""
    top = next((top for top in hidden if path.is_relative_to(top)), None)
    args = []
    if top is not None:
        for parent in reversed(path.relative_to(top).parents[:-1]):
            args += ["--perms", "0755", "--dir", str(top / parent)]
    return [*args, how, str(path), str(path)]


@functools.cache
def _probe() -> str:
    """bubblewrap's path once it has shown it can isolate a process here; otherwise the refusal."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise LlmworksError("Cannot run generated code safely: bubblewrap (bwrap) is not installed.", NO_SANDBOX_HINT)
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        raise LlmworksError("Cannot run generated code safely: setpriv (util-linux) is missing.", NO_SANDBOX_HINT)
    test = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net", "--unshare-pid"]
    try:
        done = subprocess.run([*test, "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        why = f"bubblewrap did not start ({e})"
        raise LlmworksError(f"Cannot run generated code safely: {why}.", NO_SANDBOX_HINT) from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise LlmworksError(
            f"Cannot run generated code safely: bubblewrap cannot isolate here: {why}.", NO_SANDBOX_HINT
        )
    return bwrap


def available() -> bool:
    """Whether this machine can sandbox (without raising)."""
    try:
        _probe()
    except LlmworksError:
        return False
    return True


def _python_roots() -> list[str]:
    """Folders a Python program needs to start (the interpreter's installation and the virtual environment)."""
    return [sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent.parent)]


_runs = itertools.count(os.getpid())


def _run_uid() -> int | None:
    """A fresh throwaway user id when running as root (the kernel exempts root from the process cap); else None."""
    return SANDBOX_UID + next(_runs) % 4000 if os.geteuid() == 0 else None


def _chown_tree(folder: Path, uid: int) -> None:
    for root, dirs, files in os.walk(folder):
        for name in (root, *(os.path.join(root, n) for n in (*dirs, *files))):
            os.lchown(name, uid, uid)


def _set_limits(limits: Limits, processes: int) -> None:
    """In the child, before bubblewrap starts: limits every process inside inherits."""
    soft_cpu = max(1, int(limits.cpu_s))
    resource.setrlimit(resource.RLIMIT_CPU, (soft_cpu, soft_cpu + 1))  # SIGXCPU, then SIGKILL a second later
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    size = limits.output_kb * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _own_processes() -> int:
    uid = str(os.getuid())
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/status") as f:
                    count += any(line.startswith("Uid:") and line.split()[1] == uid for line in f)
            except OSError:
                pass
    return count


def _read(file) -> str:
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")  # no bigger than the file-size cap


def _out_of_memory(stderr: str) -> bool:
    return any(
        sign in stderr
        for sign in ("MemoryError", "std::bad_alloc", "memory allocation of", "Cannot allocate memory", "out of memory")
    )
