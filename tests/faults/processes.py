"""Real services the fault tests start, break and start again on their own.

None of them is the PostgreSQL or Redis the rest of the suite uses: each fault test runs a
private redis-server, PostgreSQL cluster, SMTP sink, Celery worker or gunicorn on a free port,
so that stopping or killing one harms nothing else.
"""

import contextlib
import email
import email.policy
import glob
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.django_subprocess import ROOT, environment

VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
IN_CI = os.environ.get("CI") == "true"


# Every fault test runs on one xdist worker, one after the other (`--dist loadgroup`): each
# starts and breaks servers of its own and waits on them with time limits, and two of them at
# once would share a 2-core machine's spare capacity. The other worker runs the rest meanwhile.
FAULTS_ONE_AT_A_TIME = pytest.mark.xdist_group("faults")


def missing(reason: str):
    """A tool this machine lacks: a skip on a developer's machine, a failure in CI."""
    if IN_CI:
        pytest.fail(f"CI must be able to run the fault tests: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def shared_database_url() -> str:
    """The URL of the test database this pytest run uses, for a worker process to share.

    Only PostgreSQL can be shared with another process (SQLite's test database lives in memory).
    """
    if connection.vendor != "postgresql":
        missing("a worker process needs the test database on PostgreSQL (set DATABASE_URL)")
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{params['USER']}{password}@{host}:{port}/{params['NAME']}"


def stop_process(
    process: subprocess.Popen, *, sig=signal.SIGTERM, group: bool = True, timeout: float = 15
) -> None:
    """Signal a process started in its own session (with every process it started, if `group`,
    even when the process itself has ended: a worker a test killed leaves its pool children,
    still connected to the database); whatever is left after `timeout` is killed."""
    deadline = time.monotonic() + timeout
    if group:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    elif process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    if not group:
        return
    while _group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _group_members(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _group_members(group_id: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command's closing parenthesis: state, parent, process group.
        if fields[0] != "Z" and int(fields[2]) == group_id:
            members.append(int(entry))
    return members


# --- Redis ----------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server without persistence, on a port that stays the same across
    stop and start (what clients see when their Redis goes away and comes back)."""

    def __init__(self, log_dir: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing("redis-server is not installed")
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.log = open(self.log_dir / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - kept open
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what="redis-server to listen")

    def freeze(self) -> None:
        """SIGSTOP: connections are still accepted (by the kernel) but never answered, like a
        Redis that hangs or a network that drops packets."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.thaw()
            stop_process(self.process)
            self.process = None
            self.log.close()
        wait_for(lambda: not port_open(self.port), timeout=10, what="redis-server to stop")


# --- SMTP -----------------------------------------------------------------------------------


class SmtpSink:
    """A tiny SMTP server that keeps every message it accepts, per recipient.

    With `stall` set it reads a message's DATA and then never answers, which is what a send
    looks like from inside a worker that is killed mid-task: the message was not accepted.
    """

    def __init__(self):
        self.port = free_port()
        self.messages: list[tuple[list[str], email.message.Message]] = []
        self.data_commands = 0
        self.stall = False
        self.stalling = threading.Event()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self):
                recipients: list[str] = []
                self.wfile.write(b"220 sink ESMTP\r\n")
                for raw in self.rfile:
                    command = raw.decode("ascii", "replace").strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb == "RCPT":
                        recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                    if verb == "DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        if not sink._receive(self.rfile, recipients):
                            return  # stalled: never answered
                        self.wfile.write(b"250 queued\r\n")
                        recipients = []
                        continue
                    if verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    self.wfile.write(b"250 ok\r\n")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", self.port), Session)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _receive(self, rfile, recipients: list[str]) -> bool:
        lines = []
        for raw in rfile:
            if raw in (b".\r\n", b".\n"):
                break
            lines.append(raw[1:] if raw.startswith(b"..") else raw)
        with self._lock:
            self.data_commands += 1
            stall = self.stall
            if not stall:
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.messages.append((list(recipients), message))
        if stall:
            self.stalling.set()
            # Never answer: the sender waits until it dies; the message is not accepted.
            self._closed.wait(120)
        return not stall

    def received_by(self, address: str) -> list[email.message.Message]:
        with self._lock:
            return [message for to, message in self.messages if address in to]

    def start(self) -> "SmtpSink":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._closed.set()
        self.server.shutdown()
        self.server.server_close()


# --- Celery ---------------------------------------------------------------------------------


class CeleryWorker:
    """`celery -A wnevc worker` in a process group of its own, configured by environment
    variables exactly as in production (settings.py reads them)."""

    def __init__(self, log_dir: Path, **variables: str):
        self.log_path = log_dir / f"worker-{free_port()}.log"
        self.variables = variables
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                str(VENV_BIN / "celery"),
                "-A",
                "wnevc",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"faults-{self.log_path.stem}@%h",
            ],
            cwd=ROOT,
            env=environment(**self.variables),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(
                lambda: " ready." in self.output() or self.process.poll() is not None,
                timeout=30,
                what="the Celery worker to be ready",
            )
            assert self.process.poll() is None, self.output()
        except AssertionError:
            self.kill()
            raise
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL to the worker and its pool at once: what a crashed machine does."""
        if self.process is not None:
            stop_process(self.process, sig=signal.SIGKILL)
        if not self.log.closed:
            self.log.close()

    def stop(self) -> None:
        """A warm shutdown: the worker finishes what it has taken, then exits."""
        if self.process is not None:
            stop_process(self.process, group=False)
        if not self.log.closed:
            self.log.close()


# --- PostgreSQL -----------------------------------------------------------------------------


class PostgresCluster:
    """A private PostgreSQL cluster: initdb into a temporary folder, started on a free port.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
    """

    def __init__(self):
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = candidates[-1] if candidates else shutil.which("initdb")
        if initdb is None:
            missing("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        self.bin = Path(initdb).parent
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="wnevc-faults-pg-"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.data, user="postgres", group="postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/wnevc"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(  # noqa: S603 - our own arguments
            command, capture_output=True, text=True, timeout=60, check=False, cwd=self.data
        )
        assert result.returncode == 0, f"{tool} failed:\n{result.stdout}\n{result.stderr}"

    def start(self) -> "PostgresCluster":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._run("initdb", "-D", str(self.data / "db"), "-A", "trust", "-U", "postgres")
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.data} -c fsync=off"
        )
        self._run("pg_ctl", "-D", str(self.data / "db"), "-o", options, "-l", "log", "-w", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "wnevc")

    def restart(self) -> None:
        # pg_ctl restart keeps the options the server was started with (postmaster.opts).
        self._run("pg_ctl", "-D", str(self.data / "db"), "-l", "log", "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        with contextlib.suppress(AssertionError):
            self._run("pg_ctl", "-D", str(self.data / "db"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.data, ignore_errors=True)


# --- gunicorn -------------------------------------------------------------------------------


class Gunicorn:
    """The portal served as in production (gthread workers), on a free port."""

    def __init__(self, log_dir: Path, **variables: str):
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{self.port}.log"
        self.variables = variables
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Gunicorn":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                str(VENV_BIN / "gunicorn"),
                "wnevc.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                # gunicorn 27 would otherwise take over ~/.gunicorn/gunicorn.ctl from any other
                # gunicorn of this user (another test, make serve).
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=environment(**self.variables),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for(
                lambda: port_open(self.port) or self.process.poll() is not None,
                timeout=30,
                what="gunicorn to listen",
            )
            assert self.process.poll() is None, self.log_path.read_text(errors="replace")
        except AssertionError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.log.close()
