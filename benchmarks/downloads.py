"""Downloads with the object store: web-worker time per permitted download, and the other pages'
p99 while 20 clients download 50 MB files, against a baseline in the same run.

Starts an S3-protocol server over HTTP (moto's, as the tests start it) and gunicorn as `make
serve` runs it on one node (gthread, 1 worker, 8 threads here so that contention shows on a
2-core machine), with a throw-away SQLite database; stores a 50 MB file as a nomination's
material; signs a nominator in (a session made in the database). Then, for each storage
(`s3`: the download is a redirect to a presigned URL and the client fetches the file from the
store; `filesystem`: the worker streams the file), it measures:

- `download_ms`: p50 and p99 of the portal's answer to a download request (for S3 the redirect;
  for the file system the whole 50 MB stream through the worker);
- `pages_p99_ms`: p99 of a public page (the calendar) fetched in a loop, alone (`baseline`) and
  while 20 clients download the file over and over (`during`).

Prints one JSON object.

    .venv/bin/python benchmarks/downloads.py [--clients 20] [--file-mb 50] [--seconds 15]
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MB = 1024 * 1024

SETUP = """
import json, os
from datetime import timedelta
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.files import File
from django.utils import timezone
from accounts.models import Organisation, User
from submissions.models import Attachment, Category, Edition, Nomination, StageWindow
edition = Edition.objects.create(year=2098, name_zh="下载基准", name_en="Download benchmark",
    is_current=True)
StageWindow.objects.create(edition=edition, stage="collection",
    opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=30))
category = Category.objects.create(edition=edition, code="innovative", name_zh="创新技术",
    name_en="Innovative")
organisation = Organisation.objects.create(name_zh="基准单位", name_en="Benchmark org",
    kind="enterprise", country="China")
user = User.objects.create_user(email="download-bench@example.org", password="x-Bench-2098",
    organisation=organisation)
nomination = Nomination.objects.create(edition=edition, organisation=organisation,
    category=category, created_by=user, code="2098-IN-001", title_zh="下载", title_en="Download")
attachment = Attachment(nomination=nomination, kind="evidence", original_name="证据.pdf",
    content_type="application/pdf", size=int(os.environ["BENCH_SIZE"]))
with open(os.environ["BENCH_FILE"], "rb") as f:
    attachment.file.save("evidence.pdf", File(f), save=True)
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "accounts.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key,
    "path": f"/en/nominations/{nomination.code}/materials/{attachment.pk}/download/"}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def request(port: int, path: str, cookie: str = "") -> tuple[int, dict, int]:
    """GET without following redirects; the body is read and dropped in 1 MB parts."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        size = 0
        while chunk := response.read(MB):
            size += len(chunk)
        return response.status, dict(response.getheaders()), size
    finally:
        connection.close()


def measure(port: int, path: str, cookie: str, *, clients: int, seconds: float) -> dict:
    def probe_pages(duration: float) -> list[float]:
        times, deadline = [], time.monotonic() + duration
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status, _, _ = request(port, "/en/calendar/")
            if status != 200:
                raise RuntimeError(f"the calendar answered {status}")
            times.append((time.perf_counter() - started) * 1000)
        return times

    baseline = probe_pages(seconds / 2)
    download_times: list[float] = []
    stop = threading.Event()

    def downloader():
        while not stop.is_set():
            started = time.perf_counter()
            status, headers, _ = request(port, path, cookie)
            download_times.append((time.perf_counter() - started) * 1000)
            if status == 302:
                # The file itself comes from the store, not from the portal.
                with urllib.request.urlopen(headers["Location"], timeout=120) as body:  # noqa: S310
                    while body.read(MB):
                        pass
            elif status != 200:
                raise RuntimeError(f"the download answered {status}")

    threads = [threading.Thread(target=downloader, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    during = probe_pages(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=300)
    return {
        "download_ms": {
            "p50": round(percentile(download_times, 0.5), 1),
            "p99": round(percentile(download_times, 0.99), 1),
            "count": len(download_times),
        },
        "pages_p99_ms": {
            "baseline": round(percentile(baseline, 0.99), 1),
            "during": round(percentile(during, 0.99), 1),
            "baseline_median": round(statistics.median(baseline), 1),
            "during_median": round(statistics.median(during), 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--file-mb", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.s3server import S3Server

    work = Path(tempfile.mkdtemp(prefix="wnevc-download-bench-"))
    data = work / "file.bin"
    with open(data, "wb") as out:
        out.write(os.urandom(args.file_mb * MB))
    s3 = S3Server(work).start()
    results = {}
    try:
        bucket = s3.new_bucket()
        for storage in ("s3", "filesystem"):
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith("AWS_") and key not in ("DATABASE_URL", "REDIS_URL")
            }
            env.update(
                {
                    "DJANGO_SETTINGS_MODULE": "wnevc.settings",
                    "DATABASE_URL": f"sqlite:///{work / (storage + '.sqlite3')}",
                    "MEDIA_ROOT": str(work / "media"),
                    "LOG_LEVEL": "WARNING",
                    "BENCH_FILE": str(data),
                    "BENCH_SIZE": str(args.file_mb * MB),
                }
            )
            if storage == "s3":
                env.update(s3.environment(bucket))
            run = {"cwd": ROOT, "env": env, "check": True}
            subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], **run)
            made = subprocess.run(
                [PYTHON, "manage.py", "shell", "-c", SETUP], capture_output=True, text=True, **run
            )
            setup = json.loads(made.stdout.strip().splitlines()[-1])
            port = free_port()
            server = subprocess.Popen(
                [
                    PYTHON, "-m", "gunicorn", "wnevc.wsgi:application",
                    "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8",
                    "--worker-class", "gthread", "--timeout", "300",
                    # Not ~/.gunicorn/gunicorn.ctl, which another gunicorn may hold.
                    "--no-control-socket",
                ],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        request(port, "/healthz")
                        break
                    except OSError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
                cookie = f"sessionid={setup['session']}"
                status, _, _ = request(port, setup["path"], cookie)
                if status not in (200, 302):
                    raise RuntimeError(f"the download answered {status}")
                results[storage] = measure(
                    port, setup["path"], cookie, clients=args.clients, seconds=args.seconds
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        s3.stop()
    print(
        json.dumps(
            {
                "clients": args.clients,
                "file_mb": args.file_mb,
                "server": "gunicorn gthread, 1 worker x 8 threads, SQLite",
                **results,
            }
        )
    )


if __name__ == "__main__":
    main()
