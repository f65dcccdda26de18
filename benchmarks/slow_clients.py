"""Slow clients: 20 uploads trickling at 100 KB/s while others browse. Prints one JSON object.

Starts the real stack (benchmarks/stack.py, production settings, PostgreSQL wnevc_perf, Redis
db 5; gunicorn with --workers/--threads/--worker-class as given) on `seed_demo --stage
collection` plus 20 nominators with a draft each. Each of the 20 signs in, then sends a
technical report (a valid PDF of --upload-seconds x 100 KB) to the real upload view at 100 KB/s:
10 KB every 0.1 s, so each request holds a connection for about --upload-seconds. Meanwhile
--browsers clients request, one after another, the public home, the nominator's dashboard and
the bare view; their latencies are the figure (target: p99 under 200 ms). The same browsing is
measured first for --baseline-seconds without uploads, for comparison.

A synchronous worker reads a request body in the thread that serves it: a trickling upload
holds that thread for its whole duration. gthread keeps a pool of --threads per worker; with
fewer free threads than trickling uploads, everyone else waits.

    .venv/bin/python benchmarks/slow_clients.py [--threads 32] [--port 8116]
"""

import argparse
import json
import threading
import time

from deadline_rush import RUSH_PASSWORD, SETUP
from stack import Client, Stack, load_average, multipart, pdf_of_size, percentiles

RATE = 100 * 1024  # bytes per second per upload
STEP = 0.1


def trickle(body: bytes):
    chunk = int(RATE * STEP)
    next_at = time.monotonic()
    for start in range(0, len(body), chunk):
        yield body[start : start + chunk]
        next_at += STEP
        time.sleep(max(0.0, next_at - time.monotonic()))


def upload(client, row, pdf, results, lock):
    content_type, body = multipart({}, "report.pdf", pdf, "application/pdf")
    client.close()  # a fresh connection: the sign-in's keep-alive has long expired
    started = time.perf_counter()
    try:
        status, _h, answer = client.request(
            "POST",
            f"/en/my/nominations/{row['code']}/materials/technical_report/upload/",
            body=trickle(body),
            headers={
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
                "Accept": "application/json",
            },
        )
        ok = status == 200 and json.loads(answer).get("ok") is True
    except Exception as error:  # noqa: BLE001 - counted and reported
        ok, status = False, repr(error)
    with lock:
        results.append({"ok": ok, "status": status, "seconds": time.perf_counter() - started})


def browse(port, paths, cookie, stop, timings, errors, lock):
    client = Client(port)
    client.cookies.update(cookie)
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        try:
            status, _h, _ = client.request("GET", path)
        except Exception:  # noqa: BLE001
            status = None
            client.close()
        elapsed = time.perf_counter() - started
        with lock:
            timings[path].append(elapsed)
            if status != 200:
                errors.append(f"{path}: {status}")
    client.close()


def browsing(port, paths, cookie, seconds, browsers, until=None):
    timings = {path: [] for path in paths}
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    threads = [
        threading.Thread(target=browse, args=(port, paths, cookie, stop, timings, errors, lock))
        for _ in range(browsers)
    ]
    for thread in threads:
        thread.start()
    if until is not None:
        until()
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    everything = [t for values in timings.values() for t in values]
    return {
        "all_pages": percentiles(everything),
        "per_page": {path: percentiles(values) for path, values in timings.items()},
        "errors": len(errors),
        "error_samples": errors[:5],
        "load_average": load_average(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--upload-seconds", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=4)
    parser.add_argument("--baseline-seconds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--port", type=int, default=8116)
    args = parser.parse_args()

    with Stack(
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        worker_class=args.worker_class,
        celery=False,
    ) as stack:
        stack.fresh_database()
        stack.manage("seed_demo", "--stage", "collection", capture=True)
        setup = SETUP.replace("__PASSWORD__", repr(RUSH_PASSWORD)).replace(
            "__COUNT__", str(args.uploads)
        )
        rows = json.loads(stack.python(setup).strip().splitlines()[-1])["nominators"]
        stack.start()
        uploaders = []
        for row in rows:
            client = Client(args.port, timeout=args.upload_seconds * 10, client_ip=row["ip"])
            client.login(row["email"], RUSH_PASSWORD, "en")
            uploaders.append(client)
        browser = Client(args.port)
        browser.login("nominator@catl.example", language="en")
        paths = ["/en/", "/en/my/nominations/", "/bench/bare/"]
        pdf = pdf_of_size(RATE * args.upload_seconds)

        baseline = browsing(args.port, paths, browser.cookies, args.baseline_seconds, args.browsers)
        results: list[dict] = []
        lock = threading.Lock()
        upload_threads = [
            threading.Thread(target=upload, args=(client, row, pdf, results, lock))
            for client, row in zip(uploaders, rows, strict=True)
        ]
        for thread in upload_threads:
            thread.start()
        time.sleep(1)  # every upload has its connection open and is trickling

        def until_uploads_end():
            while sum(t.is_alive() for t in upload_threads) == len(upload_threads):
                time.sleep(0.1)

        during = browsing(args.port, paths, browser.cookies, None, args.browsers, until_uploads_end)
        for thread in upload_threads:
            thread.join()
        print(
            json.dumps(
                {
                    "server": f"gunicorn {args.worker_class} {args.workers} workers x "
                    f"{args.threads} threads, DEBUG=0, PostgreSQL, Redis",
                    "uploads": args.uploads,
                    "upload_kb_per_second": RATE // 1024,
                    "upload_mb": round(len(pdf) / 1024 / 1024, 2),
                    "uploads_ok": sum(1 for r in results if r["ok"]),
                    "upload_seconds": percentiles([r["seconds"] for r in results]),
                    "upload_failures": [r for r in results if not r["ok"]][:5],
                    "browsers": args.browsers,
                    "browsing_baseline": baseline,
                    "browsing_during_uploads": during,
                    "server_rss_mb": stack.server_rss_mb(),
                }
            )
        )


if __name__ == "__main__":
    main()
