"""The snapshot at a return for correction, the changes the re-check shows, and the correction
deadline the nominator reads."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from submissions import formal_check
from submissions.materials import add_attachment
from submissions.models import (
    Attachment,
    KeyPerson,
    Nomination,
    NominationSnapshot,
    StageWindow,
    StateChange,
)
from submissions.services import save_nomination, submit_nomination, transition
from submissions.stages import Stage
from submissions.states import NominationState
from tests.factories import AttachmentFactory
from tests.htmlparse import find_all, find_one

from . import samples
from .conftest import url

pytestmark = pytest.mark.django_db
S = NominationState
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # The organiser's second factor has tests of its own; here it would only be a detour.
    settings.WNEVC_REQUIRE_MFA = False


def deadline_in(days: int):
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


def return_for_correction(nomination, organiser, *, days: int = 7):
    return formal_check.decide(
        nomination=nomination,
        decision=formal_check.Decision.RETURNED,
        actor=organiser,
        reason="Add the stamped form.",
        correction_deadline=deadline_in(days),
    )


def upload(nomination, kind: str, name: str, data: bytes, actor) -> Attachment:
    return add_attachment(
        nomination=Nomination.objects.select_related("edition").get(pk=nomination.pk),
        kind=kind,
        upload=SimpleUploadedFile(name, data, content_type="application/pdf"),
        actor=actor,
    ).attachment


@pytest.fixture
def submitted(nomination, nominator):
    """A complete nomination, uploaded and declared through the services, then submitted."""
    upload(nomination, "recommendation_form", "form.pdf", samples.pdf_bytes(), nominator)
    upload(nomination, "technical_report", "report-v1.pdf", samples.pdf_bytes(), nominator)
    from submissions.services import make_declarations

    make_declarations(
        nomination=nomination,
        actor=nominator,
        kinds=["voluntary", "no_ip_dispute", "information_true"],
    )
    KeyPerson.objects.create(nomination=nomination, name="李娜", role="Lead", position=0)
    organisation = nomination.organisation
    organisation.contact_name = "王伟"
    organisation.contact_email = "contact@example.cn"
    organisation.save()
    return submit_nomination(nomination=Nomination.objects.get(pk=nomination.pk), actor=nominator)


# --- the snapshot ---------------------------------------------------------------------------


def test_a_return_writes_the_snapshot_with_the_exact_payload(submitted, organiser):
    nomination = Nomination.objects.get(pk=submitted.pk)
    form, report = (
        Attachment.objects.get(nomination=nomination, kind=kind)
        for kind in ("recommendation_form", "technical_report")
    )

    return_for_correction(nomination, organiser)

    snapshot = NominationSnapshot.objects.get()
    returned = StateChange.objects.get(nomination=nomination, to_state=S.RETURNED)
    assert (snapshot.nomination_id, snapshot.state_change_id) == (nomination.pk, returned.pk)
    assert snapshot.taken_at == returned.at
    category, direction = nomination.category, nomination.direction
    assert snapshot.payload == {
        "format": 1,
        "content": {
            "category": {
                "id": category.pk,
                "code": "cutting_edge",
                "name_zh": category.name_zh,
                "name_en": category.name_en,
            },
            "direction": {
                "id": direction.pk,
                "code": "power-battery",
                "name_zh": "动力电池",
                "name_en": "Power battery",
            },
            "title_zh": nomination.title_zh,
            "title_en": nomination.title_en,
            "summary_zh": nomination.summary_zh,
            "summary_en": nomination.summary_en,
            "description_zh": nomination.description_zh,
            "description_en": nomination.description_en,
            "innovations_zh": nomination.innovations_zh,
            "innovations_en": nomination.innovations_en,
            "indicators_zh": nomination.indicators_zh,
            "indicators_en": nomination.indicators_en,
            "application_zh": nomination.application_zh,
            "application_en": nomination.application_en,
            "trl": 3,
            "application_status": "prototype",
        },
        "completing_organisations": [],
        "key_people": [{"name": "李娜", "organisation_name": "", "role": "Lead"}],
        "patents": [],
        "declarations": ["information_true", "no_ip_dispute", "voluntary"],
        "contact": {
            "contact_name": "王伟",
            "contact_phone": "",
            "contact_email": "contact@example.cn",
            "address": "",
        },
        "materials": [
            {
                "id": form.pk,
                "kind": "recommendation_form",
                "version": 1,
                "name": "form.pdf",
                "size": form.size,
                "sha256": form.sha256,
                "video_url": "",
            },
            {
                "id": report.pk,
                "kind": "technical_report",
                "version": 1,
                "name": "report-v1.pdf",
                "size": report.size,
                "sha256": report.sha256,
                "video_url": "",
            },
        ],
    }
    assert len(form.sha256) == 64 and form.size > 0


def test_nothing_but_a_return_writes_a_snapshot(submitted, nominator, organiser):
    nomination = Nomination.objects.get(pk=submitted.pk)
    # Creating, editing, uploading and submitting wrote none (the fixture did all of them).
    assert NominationSnapshot.objects.count() == 0

    return_for_correction(nomination, organiser)
    assert NominationSnapshot.objects.count() == 1

    nomination = save_nomination(
        nomination=Nomination.objects.get(pk=nomination.pk),
        actor=nominator,
        data={
            "version": Nomination.objects.get(pk=nomination.pk).version,
            "title_en": "Corrected title",
        },
    )
    submit_nomination(nomination=nomination, actor=nominator)
    transition(nomination=nomination, to_state=S.ELIGIBLE, actor=organiser)
    assert NominationSnapshot.objects.count() == 1


def test_only_the_transition_service_writes_snapshots():
    """The model is named only where it is defined, written (services.transition) and read."""
    users = sorted(
        str(path.relative_to(ROOT))
        for app in (
            "accounts",
            "core",
            "submissions",
            "review",
            "scoring",
            "voting",
            "publication",
            "archives",
            "demo",
        )
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "NominationSnapshot" in path.read_text()
    )
    writes = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "submissions").rglob("*.py")
        if "migrations" not in path.parts
        and "NominationSnapshot.objects.create" in path.read_text()
    )

    assert users == [
        "submissions/models.py",
        "submissions/services.py",
        "submissions/snapshots.py",
        "submissions/views/organiser.py",
    ]
    assert writes == ["submissions/services.py"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_a_snapshot_cannot_be_changed_in_the_database(submitted, organiser):
    return_for_correction(Nomination.objects.get(pk=submitted.pk), organiser)
    snapshot = NominationSnapshot.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        NominationSnapshot.objects.filter(pk=snapshot.pk).update(payload={"format": 1})

    snapshot.refresh_from_db()
    assert snapshot.payload["content"]["trl"] == 3


def test_each_return_has_its_own_snapshot(submitted, nominator, organiser):
    nomination = Nomination.objects.get(pk=submitted.pk)
    return_for_correction(nomination, organiser)
    nomination = save_nomination(
        nomination=nomination,
        actor=nominator,
        data={
            "version": Nomination.objects.get(pk=nomination.pk).version,
            "title_en": "Second title",
        },
    )
    submit_nomination(nomination=nomination, actor=nominator)

    return_for_correction(Nomination.objects.get(pk=nomination.pk), organiser)

    titles = [s.payload["content"]["title_en"] for s in NominationSnapshot.objects.all()]
    assert titles == ["Second title", submitted.title_en]  # latest first


# --- the re-check page ----------------------------------------------------------------------


@pytest.fixture
def resubmitted(submitted, nominator, organiser):
    """Returned, then corrected: a new English title and a new technical report."""
    return_for_correction(Nomination.objects.get(pk=submitted.pk), organiser)
    nomination = save_nomination(
        nomination=Nomination.objects.get(pk=submitted.pk),
        actor=nominator,
        data={
            "version": Nomination.objects.get(pk=submitted.pk).version,
            "title_en": "Interface layer for solid-state cells",
        },
    )
    upload(nomination, "technical_report", "report-v2.pdf", samples.pdf_bytes(pages=2), nominator)
    return submit_nomination(nomination=Nomination.objects.get(pk=nomination.pk), actor=nominator)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_recheck_page_shows_a_changed_field_and_a_replaced_file(
    client, organiser, resubmitted, submitted, language
):
    client.force_login(organiser)
    old_title = submitted.title_en
    form, report_v1, report_v2 = Attachment.objects.filter(nomination=resubmitted).order_by(
        "kind", "version"
    )

    page = client.get(url("submissions:formalcheck_detail", language, code=resubmitted.code))

    assert page.status_code == 200
    with translation.override(language):
        expected_heading = translation.gettext("What changed since the return")
        title_label = translation.gettext("Title in English")
        form_label = str(Attachment.Kind.RECOMMENDATION_FORM.label)
        report_label = str(Attachment.Kind.TECHNICAL_REPORT.label)
        replaced = translation.gettext("replaced")
        unchanged = translation.gettext("unchanged")

        def shown(name, version, size):
            return translation.gettext("%(name)s (version %(version)s, %(size)s)") % {
                "name": name,
                "version": version,
                "size": " ".join(filesizeformat(size).split()),
            }

    section = find_one(page, "section", data_testid="changes-since-return")
    assert expected_heading in section.text
    fields = find_all(page, "tr", data_field=True)
    assert [row.attrs["data-field"] for row in fields] == ["title_en"]
    cells = [
        cell.text
        for name in ("field", "field-before", "field-after")
        for cell in find_all(page, data_cell=name)
    ]
    assert cells == [
        title_label,
        old_title,
        "Interface layer for solid-state cells",
    ]

    materials = find_all(page, "tr", data_kind=True)
    assert [(row.attrs["data-kind"], row.attrs["data-change"]) for row in materials] == [
        ("recommendation_form", "unchanged"),
        ("technical_report", "replaced"),
    ]
    kinds, changes, before, after = (
        [cell.text for cell in find_all(page, data_cell=name)]
        for name in ("material", "change", "material-before", "material-after")
    )
    assert kinds == [form_label, report_label]
    assert changes == [unchanged, replaced]
    assert before[1] == shown("report-v1.pdf", 1, report_v1.size)
    assert after[1] == shown("report-v2.pdf", 2, report_v2.size)
    assert before[0] == after[0] == shown("form.pdf", 1, form.size)


def test_recheck_page_of_a_never_returned_nomination_has_no_changes(client, organiser, submitted):
    client.force_login(organiser)

    page = client.get(url("submissions:formalcheck_detail", code=submitted.code))

    assert find_all(page, "section", data_testid="changes-since-return") == []


@pytest.mark.parametrize("evidence", [1, 3])
def test_recheck_page_queries_do_not_grow_with_materials(
    client, organiser, resubmitted, django_assert_num_queries, evidence
):
    for number in range(evidence):
        AttachmentFactory(nomination=resubmitted, kind="evidence", original_name=f"e{number}.pdf")
    client.force_login(organiser)
    address = url("submissions:formalcheck_detail", code=resubmitted.code)
    client.get(address)  # warm the session

    with CaptureQueriesContext(connection) as queries:
        page = client.get(address)

    evidence_rows = find_all(page, "tr", data_kind="evidence")
    assert len(evidence_rows) == evidence
    # user, roles, edition, the nomination, its eight prefetches (parts, declarations and who
    # made them, materials, timeline, checks), the latest snapshot, the navigation's state:
    # the same for one evidence file as for three.
    assert len(queries) == RECHECK_QUERIES


RECHECK_QUERIES = 13


# --- the correction deadline for the nominator ----------------------------------------------


@pytest.fixture
def returned(submitted, organiser):
    return_for_correction(Nomination.objects.get(pk=submitted.pk), organiser, days=40)
    return Nomination.objects.get(pk=submitted.pk)


@pytest.mark.parametrize(
    ("language", "shown", "after"),
    [
        ("en", "%Y-%m-%d %H:%M", "After it, the nomination can no longer be corrected"),
        ("zh-hans", "%Y年%m月%d日 %H:%M", "逾期后"),
    ],
)
def test_resubmission_page_states_the_correction_deadline_and_what_follows(
    client, nominator, returned, language, shown, after
):
    client.force_login(nominator)

    page = client.get(url("submissions:nomination_submit", language, code=returned.code))

    box = find_one(page, "section", data_testid="correction-deadline")
    local = timezone.localtime(returned.correction_deadline)
    assert local.strftime(shown).replace("年0", "年").replace("月0", "月") in box.text
    assert "UTC+8" in box.text
    assert after in box.text
    assert "Add the stamped form." in box.text


def test_the_deadline_is_the_end_of_the_collection_window_when_that_is_later(
    client, nominator, organiser, submitted
):
    return_for_correction(Nomination.objects.get(pk=submitted.pk), organiser, days=3)
    window = StageWindow.objects.get(edition=submitted.edition, stage=Stage.COLLECTION)
    client.force_login(nominator)

    page = client.get(url("submissions:nomination_submit", code=submitted.code))

    box = find_one(page, "section", data_testid="correction-deadline")
    assert timezone.localtime(window.closes_at).strftime("%Y-%m-%d %H:%M") in box.text


def test_a_passed_deadline_says_so_and_offers_no_submit(client, nominator, returned):
    StageWindow.objects.filter(edition=returned.edition).update(
        opens_at=timezone.now() - timedelta(days=90), closes_at=timezone.now() - timedelta(days=60)
    )
    Nomination.objects.filter(pk=returned.pk).update(
        correction_deadline=timezone.now() - timedelta(hours=1)
    )
    client.force_login(nominator)

    page = client.get(url("submissions:nomination_submit", code=returned.code))

    box = find_one(page, "section", data_testid="correction-deadline")
    assert "The correction deadline has passed" in box.text
    assert find_all(page, "button", data_testid="submit-nomination") == []


def test_my_nominations_row_states_the_correction_deadline(client, nominator, returned):
    client.force_login(nominator)

    page = client.get(url("submissions:nomination_list"))

    cell = find_one(page, "span", data_testid="correction-deadline")
    local = timezone.localtime(returned.correction_deadline)
    assert local.strftime("%Y-%m-%d %H:%M") in cell.text
