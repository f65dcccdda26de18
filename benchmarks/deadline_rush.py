"""The deadline rush: 200 nominators complete and submit while 31 experts score, then the
public results page in the hour after publication. Prints one JSON object.

Starts the real stack on the loopback (benchmarks/stack.py: gunicorn gthread 2 workers x 8
threads as in `make serve`, production settings, PostgreSQL database wnevc_perf, Redis db 5, a
Celery worker with beat) on fresh data:

- `seed_demo --stage review`: the current edition, its 31 experts with their assignments and the
  preliminary evaluation open, so the experts have real entries to score;
- a second edition with its collection window open (it closes in the benchmark's story: the
  last minutes), 200 nominating organisations with one account each, and one draft each whose
  texts, category, direction, maturity and declarations are filled in: what is left is the two
  required files and the submission.

Each nominator (arriving spread over --ramp seconds, half in Chinese, half in English) signs in
through the login page, opens the dashboard and the draft, autosaves the form twice (as the
page does while one types), uploads a 5 MB recommendation form and a 5 MB technical report
(valid PDFs), opens the submit page, submits, and lands on the nomination's page. Each expert
signs in, opens the review dashboard, and for up to --entries of its assigned entries opens the
entry page and autosaves a full set of scores, with think times between steps; the experts
arrive over the same --ramp.

Afterwards, once the worker has drained the outbox, the database is checked: every submission
the server acknowledged (302 to the nomination's page) is `submitted` with both files present
at the uploaded size, and the confirmation e-mail went out exactly once: one OutboundEmail row
with sent_at per submission, and one message to the address in the worker's e-mail output.

Then, `--results`: `seed_demo --stage published` on the same server and a burst of anonymous
GETs (wrk, 50 connections) of /zh-hans/results/<year>/ and /results/<year>.json.

    .venv/bin/python benchmarks/deadline_rush.py [--nominators 200] [--ramp 90] [--port 8114]
"""

import argparse
import json
import random
import re
import threading
import time
import traceback
from collections import defaultdict
from urllib.parse import urlsplit

from stack import (
    MB,
    Client,
    Stack,
    form_fields,
    load_average,
    multipart,
    pdf_of_size,
    percentiles,
    run_wrk,
)

RUSH_PASSWORD = "Rush-benchmark-2026"  # noqa: S105 - throw-away accounts of this run

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from allauth.account.models import EmailAddress
from accounts.models import Organisation, User
from review.models import Expert
from submissions.models import Category, Direction, Edition, StageWindow
from submissions.services import create_nomination
from submissions.stages import Stage

current = Edition.objects.current()
now = timezone.now()
edition = Edition.objects.create(
    year=current.year + 50, name_zh="截止前冲刺（基准测试）", name_en="Deadline rush (benchmark)",
    is_current=False, committee_size=31,
)
StageWindow.objects.create(
    edition=edition, stage=Stage.COLLECTION,
    opens_at=now - timedelta(days=30), closes_at=now + timedelta(hours=2),
)
for category in Category.objects.filter(edition=current):
    category.pk = None
    category.edition = edition
    category.save()
for direction in Direction.objects.filter(edition=current):
    direction.pk = None
    direction.edition = edition
    direction.save()
categories = list(Category.objects.filter(edition=edition).order_by("code"))
directions = list(Direction.objects.filter(edition=edition).order_by("position"))
password = make_password(__PASSWORD__)
organisations = Organisation.objects.bulk_create(
    Organisation(name_zh=f"冲刺单位 {i:03d}", name_en=f"Rush organisation {i:03d}",
                 kind="enterprise", country="China")
    for i in range(__COUNT__)
)
users = User.objects.bulk_create(
    User(email=f"rush-{i:03d}@rush.example", password=password, organisation=organisations[i],
         preferred_language="zh-hans" if i % 2 == 0 else "en", full_name=f"Rush {i:03d}")
    for i in range(__COUNT__)
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
)
rows = []
for i, user in enumerate(users):
    category = categories[i % len(categories)]
    cutting = category.code == "cutting_edge"
    nomination = create_nomination(
        edition=edition, organisation=user.organisation, actor=user, category=category,
        direction=directions[i % len(directions)],
        title_zh=f"高比能固态电池技术 {i:03d}", title_en=f"High-energy solid-state battery {i:03d}",
        summary_zh="面向下一代电动汽车的高安全、高比能电池。" * 3,
        summary_en="A safe, energy-dense battery for the next generation of vehicles. " * 3,
        description_zh="技术说明。" * 200, innovations_zh="创新点。" * 100,
        indicators_zh="主要技术指标。" * 100, application_zh="应用与产业化情况。" * 100,
        trl=3 if cutting else 8, application_status="research" if cutting else "mass_production",
        declarations=["voluntary", "no_ip_dispute", "information_true"],
    )
    rows.append({"email": user.email, "code": nomination.code,
                 "ip": f"10.1.{i // 250}.{i % 250 + 1}",
                 "language": "zh-hans" if i % 2 == 0 else "en"})
experts = [e.user.email for e in Expert.objects.filter(edition=current).select_related("user")]
print(json.dumps({"nominators": rows, "experts": experts, "year": current.year}))
"""

VERIFY = """
import json
from core.models import OutboundEmail
from submissions.models import Attachment, Nomination
codes = __CODES__
found = {n.code: n for n in Nomination.objects.filter(code__in=codes).select_related("created_by")}
report = {"acknowledged": len(codes), "lost": [], "missing_files": [], "email_rows": {},
          "unsent": []}
for code in codes:
    nomination = found.get(code)
    if nomination is None or nomination.state != "submitted":
        report["lost"].append(code)
        continue
    files = {
        a.kind: a for a in Attachment.objects.filter(nomination=nomination, is_current=True)
    }
    for kind in ("recommendation_form", "technical_report"):
        a = files.get(kind)
        if a is None or not a.file or a.file.size != __SIZE__:
            report["missing_files"].append(f"{code}:{kind}")
    email = nomination.created_by.email
    rows = [
        row for row in OutboundEmail.objects.all() if email in row.to
    ]
    for row in rows:
        report["email_rows"].setdefault(row.template, []).append(email)
        if row.sent_at is None:
            report["unsent"].append(f"{email}:{row.template}")
report["outbox_pending"] = OutboundEmail.objects.filter(sent_at=None).count()
print(json.dumps(report))
"""

PENDING = """
from core.models import OutboundEmail
print(OutboundEmail.objects.filter(sent_at=None).count())
"""


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples: list[str] = []

    def timed(self, page, client, method, path, **kwargs):
        started = time.perf_counter()
        if method == "FORM":
            status, headers, data = client.post_form(path, kwargs.pop("fields"), **kwargs)
        else:
            status, headers, data = client.request(method, path, **kwargs)
        elapsed = time.perf_counter() - started
        with self.lock:
            self.timings[page].append(elapsed)
        return status, headers, data

    def error(self, page, message):
        with self.lock:
            self.errors[page] += 1
            if len(self.error_samples) < 20:
                self.error_samples.append(f"{page}: {message}"[:300])


VERSION = re.compile(rb'name="version" value="(\d+)"')


def replace_field(fields, name, value):
    return [(key, old) for key, old in fields if key != name] + [(name, value)]


def nominator(port, row, start_at, recorder, acknowledged, pdf, rng):
    time.sleep(max(0.0, start_at - time.monotonic()))
    lang = row["language"]
    code = row["code"]
    client = Client(port, client_ip=row["ip"])
    page = "login"
    try:
        get_s, post_s = client.login(row["email"], RUSH_PASSWORD, lang)
        with recorder.lock:
            recorder.timings["login page"].append(get_s)
            recorder.timings["login POST"].append(post_s)
        page = "nominator dashboard"
        status, _h, _ = recorder.timed(page, client, "GET", f"/{lang}/my/nominations/")
        if status != 200:
            return recorder.error(page, status)
        page = "nomination edit page"
        edit = f"/{lang}/my/nominations/{code}/edit/"
        status, _h, html = recorder.timed(page, client, "GET", edit)
        if status != 200:
            return recorder.error(page, status)
        fields = form_fields(html, "title_zh")  # pairs: the declarations repeat a name
        for round_ in range(2):
            time.sleep(rng.uniform(1, 3))
            fields = replace_field(
                fields, "description_en", f"Description typed in the last minutes, {round_}."
            )
            page = "nomination autosave"
            status, _h, answer = recorder.timed(
                page, client, "FORM", f"/{lang}/my/nominations/{code}/autosave/", fields=fields
            )
            if status != 200 or b"text-success" not in answer:
                return recorder.error(page, f"{status} {answer[:200]!r}")
            fields = replace_field(fields, "version", VERSION.search(answer).group(1).decode())
        for kind in ("recommendation_form", "technical_report"):
            time.sleep(rng.uniform(0.5, 2))
            content_type, body = multipart({}, f"{kind}.pdf", pdf, "application/pdf")
            page = "upload 5 MB PDF"
            status, _h, answer = recorder.timed(
                page,
                client,
                "POST",
                f"/{lang}/my/nominations/{code}/materials/{kind}/upload/",
                body=body,
                headers={"Content-Type": content_type, "Accept": "application/json"},
            )
            if status != 200 or not json.loads(answer).get("ok"):
                return recorder.error(page, f"{status} {answer[:200]!r}")
        submit = f"/{lang}/my/nominations/{code}/submit/"
        page = "submit page"
        status, _h, html = recorder.timed(page, client, "GET", submit)
        if status != 200:
            return recorder.error(page, status)
        time.sleep(rng.uniform(1, 3))
        page = "submit POST"
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
        status, headers, _ = recorder.timed(
            page, client, "FORM", submit, fields={"csrfmiddlewaretoken": token}
        )
        location = headers.get("Location", "")
        if status in (301, 302, 303) and urlsplit(location).path.rstrip("/").endswith(code):
            with recorder.lock:
                acknowledged.append(code)
        else:
            return recorder.error(page, f"{status} {location}")
        page = "nomination page"
        status, _h, _ = recorder.timed(page, client, "GET", urlsplit(location).path)
        if status != 200:
            return recorder.error(page, status)
    except Exception as error:  # noqa: BLE001 - every failure is counted, the run goes on
        recorder.error(page, f"{type(error).__name__}: {error}")
        traceback.print_exc()
    finally:
        client.close()


ENTRY = re.compile(rb'href="(/[a-z-]+/review/entries/[^/"]+/)"')
SCORE = re.compile(rb'name="(score_\d+)"')
CONFIDENCE = re.compile(rb'<input[^>]*name="confidence"[^>]*value="(\d+)"|'
                        rb'<input[^>]*value="(\d+)"[^>]*name="confidence"')  # fmt: skip


def expert(port, email, language, start_at, stop_at, entries, recorder, rng, ip):
    time.sleep(max(0.0, start_at - time.monotonic()))
    client = Client(port, client_ip=ip)
    page = "expert login"
    try:
        get_s, post_s = client.login(email, language=language)
        with recorder.lock:
            recorder.timings["login page"].append(get_s)
            recorder.timings["login POST"].append(post_s)
        page = "expert dashboard"
        status, _h, html = recorder.timed(page, client, "GET", f"/{language}/review/")
        if status != 200:
            return recorder.error(page, status)
        links = list(dict.fromkeys(m.decode() for m in ENTRY.findall(html)))
        for path in links[:entries]:
            if time.monotonic() > stop_at:
                break
            page = "expert entry page"
            status, _h, html = recorder.timed(page, client, "GET", path)
            if status != 200:
                return recorder.error(page, status)
            fields = dict(form_fields(html, "version"))
            for name in dict.fromkeys(SCORE.findall(html)):
                fields[name.decode()] = str(rng.randint(4, 10))
            confidences = [a or b for a, b in CONFIDENCE.findall(html)]
            if confidences:
                fields["confidence"] = confidences[-1].decode()
            fields["comment"] = "Solid engineering; the indicators are convincing."
            time.sleep(rng.uniform(2, 5))
            page = "expert score autosave"
            status, _h, answer = recorder.timed(
                page, client, "FORM", f"{path}autosave/", fields=fields
            )
            if status != 200 or b"text-success" not in answer:
                return recorder.error(page, f"{status} {answer[:200]!r}")
            time.sleep(rng.uniform(1, 3))
            page = "expert dashboard"
            status, _h, html = recorder.timed(page, client, "GET", f"/{language}/review/")
            if status != 200:
                return recorder.error(page, status)
    except Exception as error:  # noqa: BLE001
        recorder.error(page, f"{type(error).__name__}: {error}")
        traceback.print_exc()
    finally:
        client.close()


def count_sent(worker_log, emails) -> dict[str, int]:
    """Messages per address in the worker's console e-mail output (To: lines)."""
    text = worker_log.read_text(errors="replace")
    counts = defaultdict(int)
    for match in re.finditer(r"(?<![\w-])To: (.+)$", text, flags=re.MULTILINE):
        for address in match.group(1).split(","):
            counts[address.strip()] += 1
    return {email: counts.get(email, 0) for email in emails}


def results_burst(stack, year, seconds, connections):
    stack.manage("seed_demo", "--stage", "published", "--year", str(year), capture=True)
    burst = {}
    for name, path in (
        ("results page (zh-hans)", f"/zh-hans/results/{year}/"),
        ("results JSON", f"/results/{year}.json"),
    ):
        run_wrk(stack.port, path, connections=1, seconds=2)  # the first request fills the cache
        burst[name] = {
            "path": path,
            **run_wrk(stack.port, path, connections=connections, seconds=seconds),
            "load_average": load_average(),
        }
    return burst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominators", type=int, default=200)
    parser.add_argument("--entries", type=int, default=6, help="entries scored per expert")
    parser.add_argument("--ramp", type=float, default=90, help="arrivals spread over seconds")
    parser.add_argument("--file-mb", type=float, default=5)
    parser.add_argument("--port", type=int, default=8114)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--results-seconds", type=int, default=15)
    parser.add_argument("--no-results", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with Stack(port=args.port, threads=args.threads) as stack:
        stack.fresh_database()
        stack.manage("seed_demo", "--stage", "review", capture=True)
        setup = SETUP.replace("__PASSWORD__", repr(RUSH_PASSWORD)).replace(
            "__COUNT__", str(args.nominators)
        )
        data = json.loads(stack.python(setup).strip().splitlines()[-1])
        stack.start()
        pdf = pdf_of_size(int(args.file_mb * MB))

        recorder = Recorder()
        acknowledged: list[str] = []
        now = time.monotonic()
        starts = [now + args.ramp * i / max(1, args.nominators) for i in range(args.nominators)]
        rng.shuffle(starts)
        threads = [
            threading.Thread(
                target=nominator,
                args=(
                    args.port,
                    row,
                    start,
                    recorder,
                    acknowledged,
                    pdf,
                    random.Random(rng.random()),
                ),
            )
            for row, start in zip(data["nominators"], starts, strict=True)
        ]
        stop_at = now + args.ramp + 60
        threads += [
            threading.Thread(
                target=expert,
                args=(
                    args.port,
                    email,
                    "zh-hans" if i % 2 == 0 else "en",
                    now + rng.uniform(0, args.ramp),
                    stop_at,
                    args.entries,
                    recorder,
                    random.Random(rng.random()),
                    f"10.2.0.{i + 1}",
                ),
            )
            for i, email in enumerate(data["experts"])
        ]
        load_before = load_average()
        cpu_before = stack.server_cpu_seconds()
        peak_rss = 0.0
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            peak_rss = max(peak_rss, stack.server_rss_mb())
            time.sleep(1)
        duration = time.monotonic() - started
        server_cpu = stack.server_cpu_seconds() - cpu_before
        load_after = load_average()
        worker_rss = stack.worker_rss_mb()

        # Drain: the worker sends what the submissions queued (beat relays any stragglers).
        drain_started = time.monotonic()
        while int(stack.python(PENDING).strip()) and time.monotonic() - drain_started < 120:
            time.sleep(2)
        drain_seconds = time.monotonic() - drain_started
        verify = json.loads(
            stack.python(
                VERIFY.replace("__CODES__", repr(acknowledged)).replace("__SIZE__", str(len(pdf)))
            ).strip()
        )
        emails = [r["email"] for r in data["nominators"] if r["code"] in set(acknowledged)]
        sent = count_sent(stack.worker_log, emails)
        rows_per_template = {
            template: {"rows": len(addresses), "distinct": len(set(addresses))}
            for template, addresses in verify["email_rows"].items()
        }
        requests = sum(len(values) for values in recorder.timings.values())
        result = {
            "nominators": args.nominators,
            "experts": len(data["experts"]),
            "ramp_seconds": args.ramp,
            "file_mb": args.file_mb,
            "server": f"gunicorn gthread 2 workers x {args.threads} threads, DEBUG=0, "
            "PostgreSQL, Redis, 1 Celery worker (concurrency 2) + beat",
            "duration_seconds": round(duration, 1),
            "requests": requests,
            "throughput_rps": round(requests / duration, 1),
            "uploaded_mb_per_second": round(
                len(recorder.timings["upload 5 MB PDF"]) * len(pdf) / MB / duration, 1
            ),
            "pages": {page: percentiles(values) for page, values in recorder.timings.items()},
            "errors": dict(recorder.errors),
            "error_samples": recorder.error_samples,
            "acknowledged_submissions": len(acknowledged),
            "lost_submissions": verify["lost"],
            "missing_files": verify["missing_files"],
            "emails": {
                "outbox_rows_per_template": rows_per_template,
                "unsent_rows": verify["unsent"],
                "outbox_pending_after_drain": verify["outbox_pending"],
                "drain_seconds": round(drain_seconds, 1),
                "acknowledged_with_exactly_one_message_sent": sum(
                    1 for n in sent.values() if n == 1
                ),
                "acknowledged_with_other_count": {e: n for e, n in sent.items() if n != 1},
            },
            "server_cpu_seconds": round(server_cpu, 1),
            "server_cpu_ms_per_request": round(server_cpu / requests * 1000, 1),
            "server_rss_peak_mb": peak_rss,
            "worker_rss_mb": worker_rss,
            "load_average_before": load_before,
            "load_average_after": load_after,
        }
        if not args.no_results:
            result["results_after_publication"] = results_burst(
                stack, data["year"], args.results_seconds, 50
            )
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
