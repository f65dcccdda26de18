"""`manage.py check_storage` on the demo's files, and on one large file: seconds and peak memory.

Builds the demo edition (seed_demo, the default 125 nominations with their PDFs) in a throw-away
SQLite database and media folder (or, with --s3, an S3-protocol server over HTTP started as the
tests start it), adds one sparse video of --video-mb to a nomination, then runs check_storage in
a process of its own while sampling its resident memory every 20 ms. Prints one JSON object:

    {"files", "bytes_mb", "seconds", "peak_rss_mb", "ok", "storage"}

    .venv/bin/python benchmarks/check_storage.py [--video-mb 200] [--s3]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MB = 1024 * 1024

ADD_VIDEO = """
import hashlib, os
from django.core.files import File
from submissions.models import Attachment, Nomination
path, size = os.environ["BENCH_VIDEO"], int(os.environ["BENCH_VIDEO_SIZE"])
digest = hashlib.sha256()
with open(path, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        digest.update(chunk)
nomination = Nomination.objects.order_by("pk").first()
attachment = Attachment(nomination=nomination, kind="video", original_name="demo.mp4",
    content_type="video/mp4", size=size, sha256=digest.hexdigest(), version=99)
with open(path, "rb") as f:
    attachment.file.save("demo.mp4", File(f), save=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video-mb", type=int, default=200)
    parser.add_argument("--s3", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wnevc-check-storage-bench-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "wnevc.settings",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "MEDIA_ROOT": str(work / "media"),
            "WNEVC_REQUIRE_MFA": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    s3 = None
    if args.s3:
        sys.path.insert(0, str(ROOT))
        from tests.s3server import S3Server

        s3 = S3Server(work).start()
        env.update(s3.environment(s3.new_bucket()))
    try:
        run = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], **run)
        subprocess.run([PYTHON, "manage.py", "seed_demo", "--stage", "collection"], **run)
        if args.video_mb:
            video = work / "video.mp4"
            with open(video, "wb") as out:
                out.truncate(args.video_mb * MB)
            env.update({"BENCH_VIDEO": str(video), "BENCH_VIDEO_SIZE": str(args.video_mb * MB)})
            subprocess.run([PYTHON, "manage.py", "shell", "-c", ADD_VIDEO], **run)

        started = time.perf_counter()
        process = subprocess.Popen(
            [PYTHON, "manage.py", "check_storage", "--quiet"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        watched = psutil.Process(process.pid)
        peak = 0
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.is_set():
                try:
                    peak = max(peak, watched.memory_info().rss)
                except psutil.NoSuchProcess:
                    return
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        output, _ = process.communicate()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        report = json.loads(output.strip().splitlines()[-1])
        print(
            json.dumps(
                {
                    "files": report["checked"],
                    "bytes_mb": round(report["bytes"] / MB, 1),
                    "seconds": round(seconds, 2),
                    "scrub_seconds": report["seconds"],
                    "peak_rss_mb": round(peak / MB, 1),
                    "ok": report["ok"],
                    "storage": "s3 (moto server over HTTP)" if s3 else "file system",
                }
            )
        )
    finally:
        if s3 is not None:
            s3.stop()


if __name__ == "__main__":
    main()
