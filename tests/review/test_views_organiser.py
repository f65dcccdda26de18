"""The secretariat's committee, conflicts and assignment pages, the expert's declaration page
and the invitation link: permissions, import preview, task progress, query counts."""

import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from review.models import Assignment, AssignmentRun, Conflict, Expert
from tests.factories import OrganisationFactory, UserFactory

from .committee_helpers import committee_edition, direction, make_entry, make_expert, url


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def edition(db):
    return committee_edition(reviewers_per_entry=1)


@pytest.fixture
def organiser(db):
    return UserFactory(roles=["organiser"])


@pytest.fixture
def panel(edition):
    battery = direction(edition)
    experts = [make_expert(edition, name=f"E{i}", directions=[battery]) for i in range(2)]
    entries = [make_entry(edition, code=f"2031-CE-{i:03d}", direction=battery) for i in (1, 2)]
    return experts, entries


def organiser_urls(experts, entries, conflict_id, run_id):
    expert, entry = experts[0], entries[0]
    return [
        ("GET", url("review:committee_list")),
        ("GET", url("review:committee_import")),
        ("GET", url("review:committee_import_preview")),
        ("POST", url("review:committee_invite")),
        ("GET", url("review:committee_detail", expert_id=expert.pk)),
        ("GET", url("review:conflict_list")),
        ("POST", url("review:conflicts_refresh")),
        ("GET", url("review:conflict_nomination", code=entry.code)),
        ("POST", url("review:conflict_delete", conflict_id=conflict_id)),
        ("GET", url("review:assignment_overview")),
        ("GET", url("review:assignment_run_status", run_id=run_id)),
        ("GET", url("review:assignment_pair", code=entry.code, expert_id=expert.pk)),
    ]


# --- Permissions ----------------------------------------------------------------------------


def test_organiser_pages_are_404_for_nominators_and_experts_and_ask_anonymous_to_sign_in(
    client, edition, panel
):
    experts, entries = panel
    conflict = Conflict.objects.create(
        expert=experts[0], nomination=entries[0], source="organiser", reason="x"
    )
    run = AssignmentRun.objects.create(edition=edition, per_entry=1)
    nominator = UserFactory(organisation=entries[0].organisation)
    urls = organiser_urls(experts, entries, conflict.pk, run.pk)

    for method, address in urls:
        response = getattr(client, method.lower())(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], address
    for person in (nominator, experts[1].user):
        client.force_login(person)
        for method, address in urls:
            response = getattr(client, method.lower())(address)
            assert response.status_code == 404, (person, address)
    # Nothing was changed by the refused requests.
    assert Conflict.objects.filter(pk=conflict.pk).exists()
    assert not Expert.objects.filter(invited_at__isnull=False).exists()


def test_organiser_reaches_every_page(client, edition, panel, organiser):
    experts, entries = panel
    conflict = Conflict.objects.create(
        expert=experts[0], nomination=entries[0], source="organiser", reason="x"
    )
    run = AssignmentRun.objects.create(edition=edition, per_entry=1)
    client.force_login(organiser)

    for method, address in organiser_urls(experts, entries, conflict.pk, run.pk):
        if method == "GET":
            response = client.get(address)
            # A page may send on to another (the import preview with nothing imported), but
            # never to the sign-in page: that would be a refusal.
            assert response.status_code in (200, 302), address
            if response.status_code == 302:
                assert "/accounts/login/" not in response["Location"], address
                assert client.get(response["Location"]).status_code == 200, address


def test_declaration_page_is_404_for_someone_not_on_the_committee(client, edition, panel):
    client.force_login(UserFactory(roles=["expert"]))

    assert client.get(url("review:declare")).status_code == 404


# --- Import ---------------------------------------------------------------------------------

HEADER = [
    "name_zh",
    "name_en",
    "email",
    "affiliation_zh",
    "affiliation_en",
    "title_zh",
    "title_en",
    "directions",
    "language",
]
GOOD = [
    "张三",
    "Zhang San",
    "zhang@example.cn",
    "清华大学",
    "Tsinghua University",
    "教授",
    "Professor",
    "power-battery;燃料电池",
    "en",
]
BAD = ["李四", "Li Si", "not-an-email", "某研究院", "Some Institute", "", "", "flying-cars", "fr"]


def _csv(rows) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, name: str, language: str = "en"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(url("review:committee_import", language), {"file": upload}, follow=True)


@pytest.mark.parametrize(("name", "build"), [("roster.csv", _csv), ("roster.xlsx", _xlsx)])
def test_import_previews_row_errors_and_creates_nothing_until_confirmed(
    client, edition, organiser, name, build
):
    client.force_login(organiser)

    preview = _upload(client, build([HEADER, GOOD, BAD]), name)

    html = preview.content.decode()
    assert preview.redirect_chain[-1][0] == url("review:committee_import_preview")
    assert "“not-an-email” is not a valid e-mail address." in html
    assert "“flying-cars” is not a technical direction of this edition." in html
    assert "“fr” is not a language of the portal (use zh-hans or en)." in html
    assert "1 row can be imported." in html
    assert not Expert.objects.exists()

    client.post(url("review:committee_import_preview"), {"confirm": "1"})

    expert = Expert.objects.get()
    assert (expert.user.email, expert.name_en, expert.title_en) == (
        "zhang@example.cn",
        "Zhang San",
        "Professor",
    )
    assert sorted(expert.directions.values_list("code", flat=True)) == [
        "fuel-cell",
        "power-battery",
    ]


def test_import_preview_errors_read_in_chinese(client, edition, organiser):
    client.force_login(organiser)

    preview = _upload(client, _csv([HEADER, BAD]), "roster.csv", language="zh-hans")

    html = preview.content.decode()
    assert "“not-an-email”不是有效的电子邮箱。" in html
    assert "“flying-cars”不是本届的技术方向。" in html


def test_cancelled_import_changes_nothing(client, edition, organiser):
    client.force_login(organiser)
    _upload(client, _csv([HEADER, GOOD]), "roster.csv")

    client.post(url("review:committee_import_preview"), {"cancel": "1"})

    assert not Expert.objects.exists()


def test_a_file_that_is_not_a_roster_is_refused_with_a_message(client, edition, organiser):
    client.force_login(organiser)

    response = _upload(client, b"just text", "roster.pdf")

    assert "Upload the roster as a CSV or an XLSX file." in response.content.decode()
    assert not Expert.objects.exists()


# --- Invitations ----------------------------------------------------------------------------


def _link(message) -> str:
    return re.search(r"https?://\S+/review/invitation/\S+/", message.body).group(0)


def test_invitation_link_is_in_the_experts_language_and_works_once(
    client, edition, organiser, django_capture_on_commit_callbacks
):
    expert = make_expert(edition, language="en")
    expert.user.set_unusable_password()
    expert.user.save()
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("review:committee_invite"), {"expert": expert.pk})
    link = _link(mail.outbox[0])
    path = link.split("testserver", 1)[1]
    client.logout()

    page = client.get(path)
    done = client.post(
        path, {"new_password1": "Committee-2031-pass", "new_password2": "Committee-2031-pass"}
    )
    # Signed in, and allauth lets the expert set up TOTP without asking for the password again.
    totp = client.get(done["Location"])
    client.logout()
    again = client.get(path)

    assert path.startswith("/en/review/invitation/")
    assert "Join the committee" in page.content.decode()
    assert done.status_code == 302 and "/2fa/totp/activate" in done["Location"]
    assert totp.status_code == 200 and totp.context["user"] == expert.user
    expert.refresh_from_db()
    assert expert.accepted_at is not None
    assert again.status_code == 404
    assert "This invitation link no longer works" in again.content.decode()


def test_committee_list_shows_invitation_status_badges(client, edition, organiser):
    from django.utils import timezone

    accepted = make_expert(edition, name="Yes")
    Expert.objects.filter(pk=accepted.pk).update(
        invited_at=timezone.now(), accepted_at=timezone.now()
    )
    invited = make_expert(edition, name="Asked")
    Expert.objects.filter(pk=invited.pk).update(invited_at=timezone.now())
    make_expert(edition, name="Later")
    client.force_login(organiser)

    html = client.get(url("review:committee_list")).content.decode()

    statuses = re.findall(r'data-testid="invitation-status" data-status="(\w+)"', html)
    # Ordered by English name: Asked, Later, Yes.
    assert statuses == ["invited", "not_invited", "accepted"]


# --- Conflicts pages ------------------------------------------------------------------------


def test_conflicts_are_listed_per_expert_and_per_entry_with_their_source(
    client, edition, panel, organiser
):
    experts, entries = panel
    client.force_login(organiser)

    client.post(
        url("review:conflict_nomination", code=entries[0].code),
        {"expert": experts[0].pk, "reason": "Co-inventor"},
    )
    Conflict.objects.create(
        expert=experts[0], nomination=entries[1], source="declared", reason="Former student"
    )
    per_expert = client.get(url("review:committee_detail", expert_id=experts[0].pk)).content
    per_entry = client.get(url("review:conflict_nomination", "zh-hans", code=entries[0].code))

    text = per_expert.decode()
    assert "Co-inventor" in text and "Entered by the secretariat" in text
    assert "Former student" in text and "Declared by the expert" in text
    assert "秘书处录入" in per_entry.content.decode()


def test_an_expert_declares_a_conflict_on_the_declaration_page(client, edition, panel):
    experts, entries = panel
    client.force_login(experts[0].user)

    page = client.get(url("review:declare"))
    refused = client.post(url("review:declare"), {f"conflict_{entries[0].pk}": "1"})
    saved = client.post(
        url("review:declare"),
        {f"conflict_{entries[0].pk}": "1", f"reason_{entries[0].pk}": "My former lab"},
    )

    assert entries[0].title_zh in page.content.decode()
    assert entries[0].title_en in page.content.decode()
    assert "Give the reason for this conflict." in refused.content.decode()
    assert saved.status_code == 302
    assert list(Conflict.objects.values_list("expert_id", "nomination_id", "source", "reason")) == [
        (experts[0].pk, entries[0].pk, "declared", "My former lab")
    ]


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "1 conflict declared.", "2 conflicts declared."),
        ("zh-hans", "共申报 1 项利益冲突。", "共申报 2 项利益冲突。"),
    ],
)
def test_saving_declarations_counts_them_in_the_pages_language(
    client, edition, panel, language, one, two
):
    experts, entries = panel
    client.force_login(experts[0].user)
    declared = {}
    said = []
    for entry in entries[:2]:
        declared |= {f"conflict_{entry.pk}": "1", f"reason_{entry.pk}": "Former lab"}
        page = client.post(url("review:declare", language), declared, follow=True)
        said.append(page.content.decode())

    assert one in said[0]
    assert two in said[1]


def test_declaring_a_conflict_on_an_assigned_entry_warns_before_and_says_what_went(
    client, edition, panel
):
    # A conflict is hard: the assignment goes, with any review entered. The expert reads it
    # beside the entry before ticking, and is told after saving which entries went.
    experts, entries = panel
    Assignment.objects.create(expert=experts[0], nomination=entries[0])
    client.force_login(experts[0].user)

    page = client.get(url("review:declare", "zh-hans"))
    saved = client.post(
        url("review:declare", "zh-hans"),
        {f"conflict_{entries[0].pk}": "1", f"reason_{entries[0].pk}": "曾在该单位任职"},
        follow=True,
    )

    assert len(re.findall('data-testid="assigned-warning"', page.content.decode())) == 1
    assert f"您不再评审 {entries[0].code}" in saved.content.decode()
    assert not Assignment.objects.filter(expert=experts[0], nomination=entries[0]).exists()


# --- Assignment pages -----------------------------------------------------------------------


def test_running_the_assignment_as_a_task_reports_progress_and_summary(
    client, edition, panel, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("review:assignment_overview"), {"per_entry": "1"})

    run = AssignmentRun.objects.get()
    assert response.status_code == 302 and f"run={run.pk}" in response["Location"]
    assert (run.state, run.progress) == ("done", 100)
    assert run.summary["conflicts_assigned"] == 0
    assert run.summary["coverage"] == 1.0
    assert Assignment.objects.count() == 2
    status = client.get(url("review:assignment_run_status", run_id=run.pk)).content.decode()
    assert 'data-state="done"' in status and "hx-get" not in status


def test_a_failed_run_explains_the_entries_in_the_readers_language(
    client, edition, panel, organiser, django_capture_on_commit_callbacks
):
    experts, entries = panel
    for expert in experts:
        Conflict.objects.create(expert=expert, nomination=entries[1], source="declared", reason="x")
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("review:assignment_overview"), {"per_entry": "1"})

    run = AssignmentRun.objects.get()
    english = client.get(url("review:assignment_run_status", run_id=run.pk)).content.decode()
    chinese = client.get(
        url("review:assignment_run_status", "zh-hans", run_id=run.pk)
    ).content.decode()
    assert run.state == "failed"
    assert "Entry 2031-CE-002 “Technology 2031-CE-002” needs 1 experts but only 0" in english
    assert "参评项目 2031-CE-002 “2031-CE-002号技术” 需要 1 位专家" in chinese


def test_a_running_run_polls_for_progress(client, edition, organiser):
    run = AssignmentRun.objects.create(edition=edition, per_entry=1, state="running", progress=40)
    client.force_login(organiser)

    html = client.get(url("review:assignment_run_status", run_id=run.pk)).content.decode()

    assert 'hx-get="' + url("review:assignment_run_status", run_id=run.pk) + '"' in html
    assert 'value="40"' in html


def test_swapping_to_a_conflicted_expert_is_refused_with_a_clear_message(
    client, edition, panel, organiser
):
    experts, entries = panel
    conflicted = make_expert(edition, name="Conflicted")
    Conflict.objects.create(
        expert=conflicted, nomination=entries[0], source="declared", reason="Own work"
    )
    Assignment.objects.create(expert=experts[0], nomination=entries[0])
    client.force_login(organiser)

    response = client.post(
        url("review:assignment_pair", code=entries[0].code, expert_id=experts[0].pk),
        {"action": "swap", "new_expert": conflicted.pk},
        follow=True,
    )

    assert (
        "Conflicted Expert has a conflict of interest with 2031-CE-001 “Technology 2031-CE-001”: "
        "a conflicted expert is never assigned to the entry."
    ) in response.content.decode()
    assert list(Assignment.objects.values_list("expert_id", flat=True)) == [experts[0].pk]


def test_pinning_from_the_pair_page_then_rerunning_keeps_the_pin(
    client, edition, panel, organiser, django_capture_on_commit_callbacks
):
    experts, entries = panel
    client.force_login(organiser)

    client.post(
        url("review:assignment_pair", code=entries[0].code, expert_id=experts[1].pk),
        {"action": "pin"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("review:assignment_overview"), {"per_entry": "1"})

    assert Assignment.objects.get(nomination=entries[0]).expert == experts[1]


# --- Query counts ---------------------------------------------------------------------------


def _count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def _grow(edition, start, stop):
    battery = direction(edition)
    for i in range(start, stop):
        expert = make_expert(
            edition, name=f"Q{i}", directions=[battery], organisation=OrganisationFactory()
        )
        entry = make_entry(edition, code=f"2031-QC-{i:03d}", direction=battery)
        conflicted = make_entry(edition, code=f"2031-QD-{i:03d}", direction=battery)
        Assignment.objects.create(expert=expert, nomination=entry)
        # Another entry: the database refuses a conflict of an assigned pair.
        Conflict.objects.create(
            expert=expert, nomination=conflicted, source="organiser", reason="x"
        )


@pytest.mark.parametrize(
    "name", ["review:committee_list", "review:assignment_overview", "review:conflict_list"]
)
def test_query_count_does_not_grow_with_experts_and_entries(client, edition, organiser, name):
    client.force_login(organiser)
    _grow(edition, 0, 1)
    one = _count_queries(client, url(name))

    _grow(edition, 1, 3)  # now 3 experts and 3 entries
    three = _count_queries(client, url(name))

    assert one == three
