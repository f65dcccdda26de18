"""Requests per second and latency of the main pages at concurrency 1 and 50, next to a bare
Django view on the same server (the ceiling). Prints one JSON object.

Starts the real stack (benchmarks/stack.py: gunicorn gthread, 2 workers x 8 threads as in
`make serve`, production settings, PostgreSQL wnevc_perf, Redis db 5; no Celery worker, no
page here queues a task) and measures with wrk (one thread; one connection, then 50) for
--seconds each, in three phases because no single stage has every page:

- collection (`seed_demo --stage collection`): the public home, the nominator's dashboard
  /my/nominations/ and the empty nomination form /my/nominations/new/;
- review (`seed_demo --stage review`): the expert's dashboard /review/;
- published (`seed_demo --stage published`): the public results page /results/<year>/.

Logged-in pages get the session cookie of a sign-in through the real login page. The ceiling is
/bench/bare/ (benchmarks/bare_urls.py): a view that returns two bytes through the same
middleware; it is measured again right after each page, and each page's share of the ceiling
is taken against that (the machine is shared, its load drifts). Every figure carries the load
average when it was taken: the machine has 2 cores and wrk runs on them too.

    .venv/bin/python benchmarks/pages.py [--seconds 10] [--port 8115] [--database wnevc_perf]
        [--redis-db 5]
"""

import argparse
import json

from stack import Client, Stack, load_average, run_wrk

NOMINATOR = "nominator@catl.example"
EXPERT = "wang.jianhua@tsinghua.example"


def cookie_header(client: Client) -> dict:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


def measure(stack, path, seconds, headers=None) -> dict:
    run_wrk(stack.port, path, connections=2, seconds=1, headers=headers)  # warm up both workers
    figures = {"path": path}
    for connections in (1, 50):
        cpu_before = stack.server_cpu_seconds()
        result = run_wrk(
            stack.port, path, connections=connections, seconds=seconds, headers=headers
        )
        cpu = stack.server_cpu_seconds() - cpu_before
        figures[f"c{connections}"] = {
            **result,
            # The server's CPU per request: what sizes a deployment (requests/s per core).
            "server_cpu_ms_per_request": round(cpu / max(1, result["requests"]) * 1000, 2),
            "load_average": load_average(),
        }
    # The machine is shared and its load drifts: the ceiling is measured again right after each
    # page, and the page's share is taken against that.
    figures["ceiling_c50_rps_alongside"] = run_wrk(
        stack.port, "/bench/bare/", connections=50, seconds=seconds
    )["rps"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=8115)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--language", default="zh-hans")
    # A database and Redis database of one's own when others may run benchmarks on the machine.
    parser.add_argument("--database", default="wnevc_perf")
    parser.add_argument("--redis-db", type=int, default=5)
    args = parser.parse_args()
    lang = args.language
    pages = {}
    with Stack(
        port=args.port,
        threads=args.threads,
        celery=False,
        database=args.database,
        redis_db=args.redis_db,
    ) as stack:
        stack.fresh_database()
        stack.manage("seed_demo", "--stage", "collection", capture=True)
        stack.start()
        pages["bare Django view (ceiling)"] = measure(stack, "/bench/bare/", args.seconds)
        pages["public home"] = measure(stack, f"/{lang}/", args.seconds)
        nominator = Client(args.port)
        nominator.login(NOMINATOR, language=lang)
        pages["nominator dashboard"] = measure(
            stack, f"/{lang}/my/nominations/", args.seconds, cookie_header(nominator)
        )
        pages["nomination form (new)"] = measure(
            stack, f"/{lang}/my/nominations/new/", args.seconds, cookie_header(nominator)
        )

        stack.manage("seed_demo", "--stage", "review", capture=True)
        expert = Client(args.port)
        expert.login(EXPERT, language=lang)
        pages["expert dashboard"] = measure(
            stack, f"/{lang}/review/", args.seconds, cookie_header(expert)
        )

        year = json.loads(
            stack.python(
                "from submissions.models import Edition\nprint(Edition.objects.current().year)"
            ).strip()
        )
        stack.manage("seed_demo", "--stage", "published", capture=True)
        pages["public results page"] = measure(stack, f"/{lang}/results/{year}/", args.seconds)
        pages["results JSON"] = measure(stack, f"/results/{year}.json", args.seconds)
        workers_rss = stack.worker_rss_mb()

    for figures in pages.values():
        figures["share_of_ceiling_c50"] = round(
            figures["c50"]["rps"] / figures["ceiling_c50_rps_alongside"], 3
        )
    print(
        json.dumps(
            {
                "server": f"gunicorn gthread 2 workers x {args.threads} threads, DEBUG=0, "
                "PostgreSQL, Redis cache and sessions",
                "client": f"wrk 1 thread, {args.seconds} s per figure, loopback",
                "language": lang,
                "pages": pages,
                "worker_rss_mb": workers_rss,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
