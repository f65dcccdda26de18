"""Where one page spends its time: pyinstrument over N requests in-process. Prints one JSON
object (mean milliseconds a request, and the profile's top frames as text).

Uses the data already in the database named by DATABASE_URL (run pages.py or seed_demo first)
and production settings apart from DEBUG=0 needing a SECRET_KEY (set here). The requests go
through Django's test client, so the figures are Python time without the server or network.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wnevc_perf \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
    .venv/bin/python benchmarks/profile_page.py /zh-hans/my/nominations/new/ \\
        --user nominator@catl.example [--requests 50]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("WNEVC_REQUIRE_MFA", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--user", default="")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--lines", type=int, default=60)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    from accounts.models import User

    client = Client(secure=True)
    if args.user:
        client.force_login(User.objects.get(email=args.user))
    status = client.get(args.path).status_code  # warm: templates, translations, caches
    client.get(args.path)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(args.requests):
        client.get(args.path)
    profiler.stop()
    seconds = time.perf_counter() - started
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    print(
        json.dumps(
            {
                "path": args.path,
                "status": status,
                "requests": args.requests,
                "mean_ms": round(seconds / args.requests * 1000, 2),
                "profile": text.splitlines()[: args.lines],
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
