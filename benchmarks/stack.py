"""The real stack on the loopback, for the benchmarks: database, gunicorn, a Celery worker.

Shared by deadline_rush.py, pages.py and slow_clients.py (not a benchmark itself). Production
settings (DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS of the loopback, plain HTTP because TLS
is the proxy's job: SECURE_SSL_REDIRECT=0), PostgreSQL (a database of the benchmark's own,
dropped and created again) and Redis (one database number, flushed). Three differences from a
production deployment, each because a benchmark cannot do otherwise:

- WNEVC_REQUIRE_MFA=0: experts would need a TOTP code at every sign-in;
- TRUSTED_PROXY_COUNT=1 with an X-Forwarded-For per simulated person, as behind a load
  balancer: otherwise the sign-in rate limits would count everyone on the loopback together;
- DJANGO_SETTINGS_MODULE=benchmarks.bench_settings: production settings plus one bare view
  (the ceiling of pages.py) under /bench/bare/; nothing else differs.

The session cookie is Secure under DEBUG=0; the client below keeps cookies itself and sends
them over plain HTTP anyway, as a proxy that terminates TLS would.
"""

import contextlib
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent
MB = 1024 * 1024
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented password of the demo accounts


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


class Stack:
    """Environment and processes of one benchmark run; use as a context manager."""

    def __init__(
        self,
        *,
        port: int,
        database: str = "wnevc_perf",
        redis_db: int = 5,
        workers: int = 2,
        threads: int = 8,
        worker_class: str = "gthread",
        celery: bool = True,
    ):
        self.port = port
        self.database = database
        self.workers, self.threads, self.worker_class = workers, threads, worker_class
        self.celery = celery
        self.work = Path(tempfile.mkdtemp(prefix="wnevc-bench-"))
        self.database_url = f"postgres://postgres@127.0.0.1:5432/{database}"
        self.redis_url = f"redis://127.0.0.1:6379/{redis_db}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "MEDIA_ROOT": str(self.work / "media"),
            "WNEVC_REQUIRE_MFA": "0",
            # The clients say who they are in X-Forwarded-For, as behind a load balancer, so
            # the sign-in rate limits count per simulated person, not all of them together.
            "TRUSTED_PROXY_COUNT": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        for name in ("AWS_STORAGE_BUCKET_NAME", "EMAIL_HOST", "CELERY_TASK_ALWAYS_EAGER"):
            self.env.pop(name, None)
        self.processes: list[subprocess.Popen] = []
        self.worker_log = self.work / "celery.log"

    # --- set-up ----------------------------------------------------------------------------
    def run(self, *args, capture=False) -> str:
        result = subprocess.run(
            list(args), cwd=ROOT, env=self.env, check=True, capture_output=capture, text=True
        )
        return result.stdout if capture else ""

    def manage(self, *args, capture=False) -> str:
        return self.run(PYTHON, "manage.py", *args, capture=capture)

    def python(self, code: str) -> str:
        return self.run(PYTHON, "-c", "import django; django.setup()\n" + code, capture=True)

    def fresh_database(self) -> None:
        pg = ["-U", "postgres", "-h", "127.0.0.1"]
        subprocess.run(["dropdb", *pg, "--if-exists", "--force", self.database], check=True)
        subprocess.run(["createdb", *pg, self.database], check=True)
        subprocess.run(
            ["redis-cli", "-u", self.redis_url, "flushdb"], check=True, capture_output=True
        )
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    # --- processes -------------------------------------------------------------------------
    def start(self) -> None:
        gunicorn = [
            str(BIN / "gunicorn"), "wnevc.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--threads", str(self.threads),
            "--timeout", "120",
            # gunicorn 27 would otherwise take over ~/.gunicorn/gunicorn.ctl from any other
            # gunicorn of this user (make serve, another benchmark).
            "--no-control-socket",
        ]  # fmt: skip
        self.processes.append(
            subprocess.Popen(
                gunicorn, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        )
        if self.celery:
            log = open(self.worker_log, "w")  # noqa: SIM115 - closed with the process
            celery = [
                str(BIN / "celery"), "-A", "wnevc", "worker", "--beat",
                "--schedule", str(self.work / "beat-schedule"),
                "--concurrency", "2", "--loglevel", "WARNING",
            ]  # fmt: skip
            self.processes.append(
                subprocess.Popen(celery, cwd=ROOT, env=self.env, stdout=log, stderr=log)
            )
        wait_for_port(self.port)

    def server_rss_mb(self) -> float:
        master = psutil.Process(self.processes[0].pid)
        total = 0
        for process in [master, *master.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += process.memory_info().rss
        return round(total / MB, 1)

    def server_cpu_seconds(self) -> float:
        """CPU time (user + system) the gunicorn processes have used so far."""
        master = psutil.Process(self.processes[0].pid)
        total = 0.0
        for process in [master, *master.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def worker_rss_mb(self) -> list[float]:
        master = psutil.Process(self.processes[0].pid)
        return [round(child.memory_info().rss / MB, 1) for child in master.children()]

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.work, ignore_errors=True)


# --- A tiny browser ------------------------------------------------------------------------


class Client:
    """Cookie-keeping HTTP/1.1 client over http.client, one keep-alive connection."""

    def __init__(self, port: int, timeout: float = 120, client_ip: str | None = None):
        self.port = port
        # As a load balancer would say who the client is (the stack trusts one proxy).
        self.client_ip = client_ip
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = None

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
        return self.connection

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method, path, body=None, headers=None):
        all_headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.client_ip:
            all_headers["X-Forwarded-For"] = self.client_ip
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            all_headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            all_headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        all_headers.update(headers or {})
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, path, body=body, headers=all_headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed meanwhile: open another once.
                self.close()
                if attempt == 2 or not isinstance(body, (bytes, str, type(None))):
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        return response.status, response.headers, data

    def post_form(self, path, fields, headers=None):
        return self.request(
            "POST",
            path,
            body=urlencode(fields, doseq=True),
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )

    def login(self, email: str, password: str = DEMO_PASSWORD, language: str = "en"):
        """Sign in through the real login page; returns the timings of (GET, POST)."""
        path = f"/{language}/accounts/login/"
        started = time.perf_counter()
        status, _h, page = self.request("GET", path)
        get_seconds = time.perf_counter() - started
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        started = time.perf_counter()
        status, _h, _ = self.post_form(
            path, {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )
        post_seconds = time.perf_counter() - started
        if status != 302:
            raise RuntimeError(f"sign-in of {email} failed: {status}")
        return get_seconds, post_seconds


class FormFields(HTMLParser):
    """The fields a browser would send for the first form that has a field named `marker`."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.forms: list[list[tuple[str, str]]] = []
        self.current = None
        self.select = None  # (name, first option, chosen)
        self.option_value = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.current.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = [name, None, None]
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in a:
                self.select[2] = value
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "select" and self.select is not None:
            name, first, chosen = self.select
            value = chosen if chosen is not None else first
            if value is not None:
                self.current.append((name, value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form":
            self.current = None

    def fields(self) -> list[tuple[str, str]]:
        for form in self.forms:
            if any(name == self.marker for name, _ in form):
                return form
        raise LookupError(f"no form with a field {self.marker!r}")


def form_fields(html: bytes, marker: str) -> list[tuple[str, str]]:
    parser = FormFields(marker)
    parser.feed(html.decode("utf-8"))
    return parser.fields()


def percentiles(values: list[float]) -> dict:
    """count, p50, p95, p99 and max in milliseconds (nearest rank)."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def rank(p):
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {
        "count": len(ordered),
        "p50_ms": round(rank(50) * 1000, 1),
        "p95_ms": round(rank(95) * 1000, 1),
        "p99_ms": round(rank(99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "over_1s": sum(1 for value in ordered if value > 1),
    }


def pdf_of_size(size: int, seed: int = 1) -> bytes:
    """A valid one-page PDF of about `size` bytes: the bulk is an (unused) binary stream, as
    a scanned stamped form would carry. Written by hand so the xref offsets are exact."""
    import random

    filler = random.Random(seed).randbytes(max(0, size - 700))
    content = b"BT /F1 24 Tf 72 720 Td (WNEVC benchmark) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def multipart(fields: dict[str, str], file_name: str, data: bytes, content_type: str):
    boundary = "----wnevc" + secrets.token_hex(12)
    head = b""
    for key, value in fields.items():
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"'
        f"\r\nContent-Type: {content_type}\r\n\r\n"
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


# --- wrk -----------------------------------------------------------------------------------

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRKJSON {"requests":%d,"duration_us":%d,"status_errors":%d,"connect_errors":%d,' ..
    '"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,' ..
    '"p95_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def run_wrk(port: int, path: str, *, connections: int, seconds: int, headers=None) -> dict:
    """wrk (one thread) against a path: requests/s, latency percentiles in ms, errors.

    Non-2xx/3xx answers count as status errors, so a login redirect would show up."""
    import json

    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_REPORT)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    try:
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        script.unlink()
    report = json.loads(out.split("WRKJSON ", 1)[1])
    seconds_run = report["duration_us"] / 1e6
    return {
        "connections": connections,
        "rps": round(report["requests"] / seconds_run, 1),
        "requests": report["requests"],
        "p50_ms": round(report["p50_us"] / 1000, 1),
        "p90_ms": round(report["p90_us"] / 1000, 1),
        "p95_ms": round(report["p95_us"] / 1000, 1),
        "p99_ms": round(report["p99_us"] / 1000, 1),
        "max_ms": round(report["max_us"] / 1000, 1),
        "errors": report["status_errors"]
        + report["connect_errors"]
        + report["read_errors"]
        + report["write_errors"]
        + report["timeouts"],
    }
