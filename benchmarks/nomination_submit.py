"""Time to create and submit a nomination through the real views. Prints one JSON object.

In-process, with Django's test Client against the configured database (PostgreSQL when
DATABASE_URL is set, SQLite otherwise), in a throw-away test database of its own
(`bench_nomination_submit_<pid>`, migrated at the start and dropped at the end; nothing touches
the configured database's data). An edition in its collection window, two categories and a
direction, and one nominator per run (signed in with `force_login`, outside the timings).

Each run times two phases, each a sequence of real requests:

- create: POST /en/my/nominations/new/ (a draft with every text in both languages, two key
  people, two patents, the three declarations), then the uploads of the stamped recommendation
  form (a one-page PDF) and of the technical report (a 20-page PDF) through the upload view, as
  the page's script sends them (multipart, Accept: application/json);
- submit: GET the submit page (what is missing, per language), then POST it.

E-mails go to Django's in-memory backend and Celery runs eagerly (the confirmation task is part
of the submit), files to a temporary folder. The first run warms caches and is not counted.

    {"runs", "create_ms_p50", "submit_ms_p50", "total_ms_p50", "total_ms_p95",
     "queries_create", "queries_submit", "queries_per_request", ...}

--show-queries prints the last run's SQL, request by request, to stderr. The tasks a request
queues (the submit's notice and its e-mail) run eagerly inside it; their queries are listed
apart, as "<request> tasks", and not counted in the flows: a worker runs them in production.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wnevc .venv/bin/python \\
        benchmarks/nomination_submit.py [--runs 30]
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wnevc.settings")
# Read by the settings before Django starts: the submit's e-mail task runs in this process.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
# As in production: the page checks, request by request, whether its user must set up TOTP.
os.environ.setdefault("WNEVC_REQUIRE_MFA", "1")


def pdf_bytes(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class BenchmarkBroken(RuntimeError):
    """A request did not do what the benchmark measures: its figure would mean nothing."""


def check(condition: bool, message) -> None:
    if not condition:
        raise BenchmarkBroken(str(message))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def setup_edition():
    from django.utils import timezone

    from submissions.models import Category, Direction, Edition, StageWindow
    from submissions.stages import Stage

    now = timezone.now()
    edition = Edition.objects.create(
        year=2099,
        name_zh="提交基准测试",
        name_en="Submission benchmark",
        is_current=True,
        committee_size=31,
    )
    StageWindow.objects.create(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    for code, zh, en in (
        ("cutting_edge", "前沿技术", "Cutting-edge technology"),
        ("innovative", "创新技术", "Innovative technology"),
    ):
        Category.objects.create(edition=edition, code=code, name_zh=zh, name_en=en, winners_quota=8)
    Direction.objects.create(
        edition=edition, code="power-battery", name_zh="动力电池", name_en="Power battery"
    )
    return edition


def nominator(number: int):
    from accounts.models import Organisation, User

    organisation = Organisation.objects.create(
        name_zh=f"基准单位{number}",
        name_en=f"Benchmark organisation {number}",
        kind="enterprise",
        country="China",
    )
    return User.objects.create_user(
        email=f"bench-{number}@nomination.example",
        password=None,
        organisation=organisation,
        preferred_language="en",
        full_name=f"Bench {number}",
    )


class EagerTasks:
    """Where in `connection.queries_log` the eagerly run tasks' queries are: [start, end) of
    each outermost task (a task may queue and so run another inside it).

    What a task leaves for after its commit (handing the e-mail it queued to the broker) runs
    here after the request's commit, but in the worker in production: it counts as the task's.
    """

    def __init__(self):
        self.spans: list[tuple[int, int]] = []
        self._open = 0
        self._began = 0
        self._callbacks_before: list[int] = []

    def started(self, **_signal):
        from django.db import connection

        if self._open == 0:
            self._began = len(connection.queries_log)
        self._open += 1
        self._callbacks_before.append(len(connection.run_on_commit))

    def finished(self, **_signal):
        from django.db import connection

        self._open -= 1
        if self._open == 0:
            self.spans.append((self._began, len(connection.queries_log)))
        before = self._callbacks_before.pop()
        connection.run_on_commit[before:] = [
            (savepoints, self._as_task(callback), robust)
            for savepoints, callback, robust in connection.run_on_commit[before:]
        ]

    def _as_task(self, callback):
        def run():
            self.started()
            try:
                callback()
            finally:
                self.finished()

        return run

    def ran(self, position: int) -> bool:
        return any(begin <= position < end for begin, end in self.spans)


TASKS = EagerTasks()


def one_run(client, data, files, number: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from submissions.models import Nomination

    user = nominator(number)
    client.force_login(user)
    requests: dict[str, list[str]] = {}

    def counted(name, send):
        # Each request's queries on their own: the issue bounds every request, not just a flow.
        # The tasks a request queues run inside it here (eagerly); in production a worker runs
        # them, so their queries are counted apart ("<request> tasks").
        TASKS.spans.clear()
        with CaptureQueriesContext(connection) as queries:
            response = send()
        start = queries.initial_queries
        in_task = [TASKS.ran(start + i) for i in range(len(queries.captured_queries))]
        sql = [query["sql"] for query in queries.captured_queries]
        requests[name] = [q for q, task in zip(sql, in_task, strict=True) if not task]
        if any(in_task):
            requests[f"{name} tasks"] = [q for q, task in zip(sql, in_task, strict=True) if task]
        return response

    started = time.perf_counter()
    response = counted("create", lambda: client.post("/en/my/nominations/new/", data))
    check(response.status_code == 302, response.status_code)
    # The new nomination's number, from the redirect to its edit page: a query of the
    # benchmark's own would be counted as the flow's.
    code = response["Location"].rstrip("/").split("/")[-2]
    for kind, (name, content) in files.items():
        response = counted(
            f"upload {kind}",
            lambda kind=kind, name=name, content=content: client.post(
                f"/en/my/nominations/{code}/materials/{kind}/upload/",
                {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
                headers={"Accept": "application/json"},
            ),
        )
        check(response.status_code == 200 and response.json()["ok"], response.content[:300])
    created = time.perf_counter()
    submit_started = time.perf_counter()
    page = counted("submit page", lambda: client.get(f"/en/my/nominations/{code}/submit/"))
    check(b'data-testid="complete"' in page.content, "the nomination is not complete")
    response = counted("submit", lambda: client.post(f"/en/my/nominations/{code}/submit/"))
    check(response.status_code == 302, response.status_code)
    submitted = time.perf_counter()
    state = Nomination.objects.values_list("state", flat=True).get(code=code)
    check(state == "submitted", state)
    client.logout()
    return {
        "create_ms": (created - started) * 1000,
        "submit_ms": (submitted - submit_started) * 1000,
        "queries_create": sum(
            len(requests[n]) for n in ("create", *(f"upload {kind}" for kind in files))
        ),
        "queries_submit": len(requests["submit page"]) + len(requests["submit"]),
        "requests": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--show-queries", action="store_true", help="print the last run's SQL per request to stderr"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from celery.signals import task_postrun, task_prerun
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        override_settings,
        setup_test_environment,
        teardown_test_environment,
    )

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"bench_nomination_submit_{os.getpid()}"
    )
    setup_test_environment()
    task_prerun.connect(TASKS.started, weak=False)
    task_postrun.connect(TASKS.finished, weak=False)
    old_name = connection.settings_dict["NAME"]
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    media = tempfile.mkdtemp(prefix="bench-nomination-")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    try:
        with override_settings(STORAGES=storages, ALLOWED_HOSTS=["testserver"], DEBUG=False):
            from tests.submissions.filled_form import form_data

            edition = setup_edition()
            data = form_data(edition)
            files = {
                "recommendation_form": ("stamped-form.pdf", pdf_bytes(1)),
                "technical_report": ("technical-report.pdf", pdf_bytes(20)),
            }
            client = Client()
            one_run(client, data, files, 0)  # warm-up, not counted
            runs = [one_run(client, data, files, n) for n in range(1, args.runs + 1)]
            mails = len(mail.outbox)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        import shutil

        shutil.rmtree(media, ignore_errors=True)

    if args.show_queries:
        for name, queries in runs[-1]["requests"].items():
            print(f"-- {name}: {len(queries)} queries", file=sys.stderr)
            for sql in queries:
                print("   ", sql[:220], file=sys.stderr)
    create = [r["create_ms"] for r in runs]
    submit = [r["submit_ms"] for r in runs]
    total = [c + s for c, s in zip(create, submit, strict=True)]
    print(
        json.dumps(
            {
                "runs": len(runs),
                "create_ms_p50": round(statistics.median(create), 1),
                "submit_ms_p50": round(statistics.median(submit), 1),
                "total_ms_p50": round(statistics.median(total), 1),
                "total_ms_p95": round(percentile(total, 0.95), 1),
                "queries_create": max(r["queries_create"] for r in runs),
                "queries_submit": max(r["queries_submit"] for r in runs),
                "queries_per_request": {
                    name: max(len(run["requests"][name]) for run in runs)
                    for name in runs[0]["requests"]
                },
                "database": connection.vendor,
                "test_database": database,
                "confirmation_emails": mails,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
