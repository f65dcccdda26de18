"""Server memory while a 200 MB video is uploaded: it must stay flat.

Starts the real server (gunicorn, one sync worker, production settings: DEBUG=0) on a loopback
port, against PostgreSQL when DATABASE_URL is set and a throw-away SQLite database otherwise;
makes a nominator with a draft nomination; signs in through the real login page; uploads a
sparse MP4 (a valid ftyp/mdat/moov box structure, 200 MB) through the real upload view while
sampling the resident memory of the server's processes (master + worker); and prints one JSON
object:

    {"file_mb", "seconds", "server_rss_start_mb", "server_rss_peak_mb", "rss_growth_mb", ...}

The client streams the request body from disk too, so the figure is the server's alone.

    .venv/bin/python benchmarks/upload_memory.py [--size-mb 200] [--port 8199] [--s3]

With --s3 the files go to an S3-protocol server over HTTP (moto's, started here as the tests
start it: tests/s3server.py), in 5 MB parts, one in memory at a time (UPLOAD_TRANSFER_CONFIG),
and a 16 MB upload warms the worker up first (boto3's client and transfer threads are made on first
use); the S3 server's own memory is not the web server's and is not counted.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MB = 1024 * 1024
EMAIL = f"upload-benchmark-{secrets.token_hex(4)}@example.org"
PASSWORD = "Benchmark-upload-2026"  # noqa: S105 - a throw-away account of this run


def write_sparse_mp4(path: Path, size: int) -> None:
    """ftyp + a 64-bit mdat box left sparse + moov: a valid MP4 shape without writing 200 MB."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    def full_box(kind: bytes, payload: bytes = b"") -> bytes:
        return box(kind, b"\x00\x00\x00\x00" + payload)  # version and flags first

    # One video track with an empty sample table: the upload check wants a moov with a track
    # (tkhd + mdia) and a non-empty mdat, and reads only box headers.
    stbl = box(b"stbl", b"".join(full_box(kind, b"\x00" * 8) for kind in (b"stsd", b"stts")))
    minf = box(b"minf", full_box(b"vmhd", b"\x00" * 8) + stbl)
    mdia = box(b"mdia", full_box(b"mdhd", b"\x00" * 20) + full_box(b"hdlr", b"\x00" * 21) + minf)
    trak = box(b"trak", full_box(b"tkhd", b"\x00" * 80) + mdia)
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isommp41")
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100) + trak)
    mdat_size = size - len(ftyp) - len(moov)
    with open(path, "wb") as out:
        out.write(ftyp)
        out.write(struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", mdat_size))
        out.seek(len(ftyp) + mdat_size)
        out.write(moov)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SETUP = """
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from allauth.account.models import EmailAddress
from accounts.models import Organisation, User
from submissions.models import Category, Edition, StageWindow
from submissions.services import create_nomination
from submissions.stages import Stage

edition, _ = Edition.objects.get_or_create(
    year=2099, defaults={"name_zh": "上传基准测试", "name_en": "Upload benchmark"}
)
StageWindow.objects.update_or_create(
    edition=edition, stage=Stage.COLLECTION,
    defaults={"opens_at": timezone.now() - timedelta(days=1),
              "closes_at": timezone.now() + timedelta(days=1)},
)
category, _ = Category.objects.get_or_create(
    edition=edition, code="innovative", defaults={"name_zh": "创新技术", "name_en": "Innovative"}
)
organisation = Organisation.objects.create(
    name_zh="基准测试单位", name_en="Benchmark organisation", kind="enterprise", country="China"
)
user = User.objects.create_user(email=__EMAIL__, password=__PASSWORD__, organisation=organisation)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
nomination = create_nomination(
    edition=edition, organisation=organisation, actor=user, category=category,
    title_zh="上传基准", title_en="Upload benchmark",
)
print(nomination.code)
"""

CLEANUP = """
import django
django.setup()
from accounts.models import User
from submissions.models import Attachment, Nomination
user = User.objects.get(email=__EMAIL__)
organisation = user.organisation
for attachment in Attachment.objects.filter(nomination__organisation=organisation):
    if attachment.file:
        attachment.file.delete(save=False)
Nomination.objects.filter(organisation=organisation).delete()
user.delete()
organisation.delete()
"""


class Session:
    """A tiny cookie-keeping HTTP client over http.client (no third-party client needed)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _headers(self, extra=None) -> dict:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _remember(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value

    def request(self, method, path, body=None, headers=None, timeout=600):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.request(method, path, body=body, headers=self._headers(headers))
        response = connection.getresponse()
        data = response.read()
        self._remember(response)
        connection.close()
        return response, data


def wait_for_server(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def server_rss(master: psutil.Process) -> int:
    total = 0
    for process in [master, *master.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


def multipart_body(path: Path, name: str, fields: dict[str, str]):
    """(length, iterator of bytes) of a multipart/form-data body streamed from the file."""
    boundary = "----wnevc" + secrets.token_hex(12)
    head = b""
    for key, value in fields.items():
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size

    def chunks():
        yield head
        with open(path, "rb") as source:
            while chunk := source.read(MB):
                yield chunk
        yield tail

    return boundary, len(head) + size + len(tail), chunks()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--s3", action="store_true", help="store in an S3 server over HTTP")
    args = parser.parse_args()
    port = args.port or free_port()

    work = Path(tempfile.mkdtemp(prefix="wnevc-upload-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wnevc.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback; TLS is the proxy's job
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("AWS_STORAGE_BUCKET_NAME", None)
    s3 = None
    if args.s3:
        sys.path.insert(0, str(ROOT))
        from tests.s3server import S3Server

        s3 = S3Server(work).start()
        env.update(s3.environment(s3.new_bucket()))
    try:
        run_benchmark(args, port, work, env, s3)
    finally:
        if s3 is not None:
            s3.stop()


def run_benchmark(args, port, work, env, s3) -> None:
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], **run)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], **run)
    code = subprocess.run(
        [
            PYTHON,
            "-c",
            SETUP.replace("__EMAIL__", repr(EMAIL)).replace("__PASSWORD__", repr(PASSWORD)),
        ],
        capture_output=True,
        text=True,
        **run,
    ).stdout.strip()

    video = work / "demo.mp4"
    write_sparse_mp4(video, args.size_mb * MB)
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "wnevc.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "600",
            # Not ~/.gunicorn/gunicorn.ctl, which another gunicorn may hold.
            "--no-control-socket",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_for_server(port)
        master = psutil.Process(server.pid)
        session = Session(port)

        # Sign in through the real login page, as a browser would.
        _response, page = session.request("GET", "/en/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        response, _ = session.request(
            "POST",
            "/en/accounts/login/",
            body=urlencode({"login": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}/en/accounts/login/",
            },
        )
        if response.status != 302:
            raise RuntimeError(f"sign-in failed: {response.status}")
        session.request("GET", f"/en/my/nominations/{code}/")  # warm the worker up

        def upload(path: Path):
            boundary, length, body = multipart_body(path, "demo.mp4", {})
            return session.request(
                "POST",
                f"/en/my/nominations/{code}/materials/video/upload/",
                body=body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(length),
                    "Accept": "application/json",
                    "X-CSRFToken": session.cookies.get("csrftoken", ""),
                    "Referer": f"http://127.0.0.1:{port}/en/my/nominations/{code}/",
                },
            )

        if s3 is not None:
            warm = work / "warm.mp4"
            write_sparse_mp4(warm, 16 * MB)
            response, data = upload(warm)
            if not json.loads(data).get("ok"):
                raise RuntimeError(f"warm-up upload refused: {response.status} {data[:200]}")

        samples: list[int] = []
        done = threading.Event()

        def sample():
            while not done.is_set():
                samples.append(server_rss(master))
                time.sleep(0.05)

        start_rss = server_rss(master)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        response, data = upload(video)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        answer = json.loads(data)
        if not answer.get("ok"):
            raise RuntimeError(f"upload refused: {response.status} {answer}")
        peak = max([*samples, start_rss])
        print(
            json.dumps(
                {
                    "file_mb": args.size_mb,
                    "seconds": round(seconds, 2),
                    "server_rss_start_mb": round(start_rss / MB, 1),
                    "server_rss_peak_mb": round(peak / MB, 1),
                    "rss_growth_mb": round((peak - start_rss) / MB, 1),
                    "samples": len(samples),
                    "database": database,
                    "storage": "s3 (moto server over HTTP)" if s3 else "file system",
                    "server": "gunicorn, 1 sync worker, DEBUG=0",
                }
            )
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if database == "postgresql":
            subprocess.run([PYTHON, "-c", CLEANUP.replace("__EMAIL__", repr(EMAIL))], **run)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
