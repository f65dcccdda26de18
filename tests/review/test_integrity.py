"""Conflicts the database refuses (review/migrations/0003, review/integrity.py), and every path
that records a conflict going through the one service that removes the pair's assignment first.

Run on PostgreSQL (DATABASE_URL set) and on SQLite (unset): the triggers exist on both.
"""

import importlib

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from core.models import AuditEvent, OutboundEmail
from review.assignment_data import reason_message
from review.integrity import is_conflict_refusal
from review.models import Assignment, AssignmentRun, Conflict, CriterionScore, Review
from review.roster import RosterRow
from review.services import (
    AssignmentNotPossible,
    add_conflict,
    assign_reviewers,
    declare_conflicts,
    import_committee,
    refresh_automatic_conflicts,
)
from tests.factories import OrganisationFactory, UserFactory

from .committee_helpers import committee_edition, direction, make_entry, make_expert, url
from .scoring_helpers import conflict_despite_assignment, write_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # These tests are about the admin and the services, not about TOTP.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def edition(db):
    edition = committee_edition()
    from scoring.services import ensure_default_criteria

    ensure_default_criteria(edition=edition)
    return edition


@pytest.fixture
def organiser(db):
    return UserFactory(roles=["organiser"], preferred_language="zh-hans")


@pytest.fixture
def pair(edition):
    return make_expert(edition, name="Li"), make_entry(edition, code="2031-CE-001")


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_assignment(expert, entry) -> None:
    _raw(
        "INSERT INTO review_assignment (expert_id, nomination_id, source, created_at) "
        "VALUES (%s, %s, %s, %s)",
        [expert.pk, entry.pk, "manual", timezone.now()],
    )


def _insert_conflict(expert, entry) -> None:
    _raw(
        "INSERT INTO review_conflict (expert_id, nomination_id, source, reason, created_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        [expert.pk, entry.pk, "organiser", "raw", timezone.now()],
    )


def _insert_review(assignment) -> None:
    _raw(
        "INSERT INTO review_review (assignment_id, state, comment, updated_at, version) "
        "VALUES (%s, %s, %s, %s, %s)",
        [assignment.pk, "draft", "", timezone.now(), 1],
    )


def _legacy_conflicted_assignment(expert, entry) -> Assignment:
    """An assignment and a conflict of the same pair, as data from before the triggers."""
    assignment = Assignment.objects.create(expert=expert, nomination=entry)
    conflict_despite_assignment(expert, entry)
    return assignment


# --- The database refuses the pair, in both directions --------------------------------------


def test_a_raw_assignment_of_a_conflicted_pair_is_refused(pair):
    expert, entry = pair
    _insert_conflict(expert, entry)

    with pytest.raises(IntegrityError) as refused:
        _insert_assignment(expert, entry)

    assert is_conflict_refusal(refused.value)
    assert Assignment.objects.filter(expert=expert, nomination=entry).count() == 0


def test_a_raw_conflict_of_an_assigned_pair_is_refused(pair):
    expert, entry = pair
    _insert_assignment(expert, entry)

    with pytest.raises(IntegrityError) as refused:
        _insert_conflict(expert, entry)

    assert is_conflict_refusal(refused.value)
    assert Conflict.objects.filter(expert=expert, nomination=entry).count() == 0


def test_moving_an_assignment_onto_a_conflicted_pair_is_refused(edition, pair):
    expert, entry = pair
    other = make_entry(edition, code="2031-CE-002")
    _insert_conflict(expert, entry)
    assignment = Assignment.objects.create(expert=expert, nomination=other)

    with pytest.raises(IntegrityError) as refused:
        _raw(
            "UPDATE review_assignment SET nomination_id = %s WHERE id = %s",
            [entry.pk, assignment.pk],
        )

    assignment.refresh_from_db()
    assert is_conflict_refusal(refused.value)
    assert assignment.nomination_id == other.pk


def test_a_raw_review_of_a_conflicted_pair_is_refused(pair):
    expert, entry = pair
    assignment = _legacy_conflicted_assignment(expert, entry)

    with pytest.raises(IntegrityError) as refused:
        _insert_review(assignment)

    assert is_conflict_refusal(refused.value)
    assert Review.objects.filter(assignment=assignment).count() == 0


def test_pairs_without_a_conflict_are_stored(edition, pair):
    expert, entry = pair
    other = make_entry(edition, code="2031-CE-002")
    _insert_conflict(expert, other)

    _insert_assignment(expert, entry)
    assignment = Assignment.objects.get(expert=expert, nomination=entry)
    _insert_review(assignment)

    assert Review.objects.filter(assignment=assignment).count() == 1


def test_the_migration_removes_pairs_stored_before_the_rule(edition, pair):
    from django.apps import apps

    triggers = importlib.import_module("review.migrations.0003_conflict_pair_triggers")
    expert, entry = pair
    kept = Assignment.objects.create(expert=expert, nomination=make_entry(edition, code="2031-X"))
    assignment = Assignment.objects.create(expert=expert, nomination=entry)
    write_review(assignment, [4, 5], submitted=False, comment="Early notes")
    conflict_despite_assignment(expert, entry)

    removed = triggers.remove_conflicted_pairs(apps, None)

    event = AuditEvent.objects.get(action="review.assignment_removed_for_conflict")
    assert removed == 1
    assert list(Assignment.objects.all()) == [kept]
    assert (Review.objects.count(), CriterionScore.objects.count()) == (0, 0)
    assert event.details["review"]["comment"] == "Early notes"
    assert sorted(event.details["review"]["scores"].values()) == [4, 5]


# --- The service: the assignment and review go first, the organisers are told -----------------


def test_a_conflict_after_an_assignment_removes_it(pair, organiser):
    expert, entry = pair
    Assignment.objects.create(expert=expert, nomination=entry)

    add_conflict(expert=expert, nomination=entry, reason="同一实验室", actor=organiser)

    assert list(Conflict.objects.values_list("expert_id", "nomination_id", "source")) == [
        (expert.pk, entry.pk, "organiser")
    ]
    assert Assignment.objects.filter(expert=expert, nomination=entry).count() == 0
    event = AuditEvent.objects.get(action="review.assignment_removed_for_conflict")
    assert (event.details["expert"], event.details["review"]) == (expert.pk, None)


def test_a_conflict_after_a_started_review_keeps_its_scores_in_the_audit_trail(pair, organiser):
    expert, entry = pair
    assignment = Assignment.objects.create(expert=expert, nomination=entry)
    write_review(assignment, [7, 8, 9, 6], submitted=False, confidence=3, comment="Promising")
    codes = list(
        CriterionScore.objects.order_by("criterion__position").values_list(
            "criterion__code", flat=True
        )
    )

    add_conflict(expert=expert, nomination=entry, reason="Co-author", actor=organiser)

    event = AuditEvent.objects.get(action="review.assignment_removed_for_conflict")
    assert event.details["review"]["scores"] == dict(zip(codes, [7, 8, 9, 6], strict=False))
    assert (event.details["review"]["comment"], event.details["review"]["confidence"]) == (
        "Promising",
        3,
    )
    assert (Assignment.objects.count(), Review.objects.count(), CriterionScore.objects.count()) == (
        0,
        0,
        0,
    )


def test_the_organisers_are_told_in_their_language(edition, pair, organiser):
    expert, entry = pair
    english = UserFactory(roles=["organiser"], preferred_language="en")
    UserFactory(roles=["organiser"], preferred_language="en", is_active=False)
    Assignment.objects.create(expert=expert, nomination=entry)

    add_conflict(expert=expert, nomination=entry, reason="Co-author", actor=organiser)

    emails = list(
        OutboundEmail.objects.filter(template="conflict_assignments_removed").order_by("pk")
    )
    assert [(e.to, e.language) for e in emails] == [
        ([organiser.email], "zh-hans"),
        ([english.email], "en"),
    ]
    assert "利益冲突" in emails[0].subject
    assert emails[1].subject == "WNEVC: a new conflict of interest removed 1 assignment"
    assert "2031-CE-001" in emails[1].text and "Li Expert" in emails[1].text
    assert "/en/review/assignment/" in emails[1].text


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Li Expert was assigned to 2031-CE-001: the assignment was removed"),
        ("zh-hans", "Li专家 原已被分配评审 2031-CE-001：该评审分配已取消"),
    ],
)
def test_the_conflict_page_says_the_assignment_was_removed(client, pair, organiser, language, said):
    expert, entry = pair
    Assignment.objects.create(expert=expert, nomination=entry)
    client.force_login(organiser)

    response = client.post(
        url("review:conflict_nomination", language, code=entry.code),
        {"expert": expert.pk, "reason": "Same laboratory"},
        follow=True,
    )

    assert Assignment.objects.count() == 0
    assert Conflict.objects.get().reason == "Same laboratory"
    assert said in response.content.decode()


def test_no_e_mail_when_a_conflict_removes_nothing(pair, organiser):
    expert, entry = pair

    add_conflict(expert=expert, nomination=entry, reason="Co-author", actor=organiser)

    assert OutboundEmail.objects.filter(template="conflict_assignments_removed").count() == 0


def test_an_experts_declaration_removes_the_assignment(pair):
    expert, entry = pair
    Assignment.objects.create(expert=expert, nomination=entry)

    declare_conflicts(expert=expert, declared={entry.pk: "My former student"}, actor=expert.user)

    assert list(Conflict.objects.values_list("source", flat=True)) == ["declared"]
    assert Assignment.objects.count() == 0


def test_the_automatic_refresh_removes_the_assignment(edition, organiser):
    company = OrganisationFactory(email_domain="motors.example.cn")
    expert = make_expert(edition, name="Wang", organisation=company)
    entry = make_entry(edition, code="2031-CE-001", organisation=company)
    Assignment.objects.create(expert=expert, nomination=entry)

    result = refresh_automatic_conflicts(edition=edition, actor=organiser)

    assert (result["created"], result["assignments_removed"]) == (1, 1)
    assert Assignment.objects.count() == 0


def test_a_roster_import_records_the_automatic_conflicts(edition, organiser):
    entry = make_entry(edition, code="2031-CE-001")
    name_zh, name_en = entry.organisation.name_zh, entry.organisation.name_en
    row = RosterRow(
        line=2,
        values={
            "email": "zhao@example.org",
            "name_zh": "赵专家",
            "name_en": "Zhao",
            "affiliation_zh": name_zh,
            "affiliation_en": name_en,
            "title_zh": "",
            "title_en": "",
        },
        language="zh-hans",
        direction_ids=[direction(edition).pk],
    )

    import_committee(edition=edition, rows=[row], actor=organiser)

    assert list(Conflict.objects.values_list("expert__user__email", "nomination", "source")) == [
        ("zhao@example.org", entry.pk, "automatic")
    ]


# --- A re-run refused by the database leaves the previous assignment -------------------------


def test_a_rerun_refused_by_the_database_leaves_the_previous_assignment(edition, organiser):
    battery = direction(edition)
    first = make_expert(edition, name="A", directions=[battery])
    second = make_expert(edition, name="B", directions=[battery])
    entry = make_entry(edition, code="2031-CE-001", direction=battery)
    assign_reviewers(edition=edition, per_entry=1, actor=organiser)
    before = list(Assignment.objects.values_list("expert_id", "nomination_id", "source"))
    newcomer = second if before[0][0] == first.pk else first

    def conflict_arrives(percent):
        # Between the solver's answer and the write, as a colleague's click would.
        if percent == 80:
            add_conflict(expert=newcomer, nomination=entry, reason="Late news", actor=organiser)

    with pytest.raises(AssignmentNotPossible) as refused:
        assign_reviewers(edition=edition, per_entry=2, actor=organiser, progress=conflict_arrives)

    assert list(Assignment.objects.values_list("expert_id", "nomination_id", "source")) == before
    assert refused.value.reasons == [{"kind": "conflict_recorded_during_run"}]
    with translation.override("en"):
        assert "the previous assignment stands as it was" in reason_message(
            refused.value.reasons[0]
        )
    with translation.override("zh-hans"):
        assert "原有分配保持不变" in reason_message(refused.value.reasons[0])


def test_the_run_page_says_a_refused_run_left_the_assignment(client, edition, organiser):
    # The row execute_assignment_run stores for that refusal (arranged directly).
    run = AssignmentRun.objects.create(
        edition=edition,
        per_entry=2,
        state="failed",
        progress=100,
        summary={"reasons": [{"kind": "conflict_recorded_during_run"}]},
    )
    client.force_login(organiser)

    english = client.get(url("review:assignment_run_status", run_id=run.pk)).content.decode()
    chinese = client.get(
        url("review:assignment_run_status", "zh-hans", run_id=run.pk)
    ).content.decode()

    assert "The database refused the new assignment:" in english
    assert "the previous assignment stands as it was" in english
    assert "数据库拒绝了新的分配" in chinese and "原有分配保持不变" in chinese


# --- The admin ---------------------------------------------------------------------------------


@pytest.fixture
def superuser(client):
    user = UserFactory(is_superuser=True, is_staff=True, preferred_language="en")
    client.force_login(user)
    return user


def test_the_admin_refuses_to_add_an_assignment_with_a_message(client, superuser, pair):
    expert, entry = pair
    Conflict.objects.create(expert=expert, nomination=entry, source="organiser", reason="x")

    response = client.post(
        "/en/admin/review/assignment/add/",
        {"expert": expert.pk, "nomination": entry.pk, "source": "manual"},
        follow=True,
    )

    assert Assignment.objects.count() == 0
    assert response.redirect_chain == [("/en/admin/review/assignment/", 302)]
    assert "Assignments are read-only here." in response.content.decode()


def test_the_admin_refuses_in_chinese_too(client, superuser, pair):
    expert, entry = pair

    response = client.post(
        "/zh-hans/admin/review/assignment/add/",
        {"expert": expert.pk, "nomination": entry.pk, "source": "manual"},
        follow=True,
    )

    assert Assignment.objects.count() == 0
    assert "此处的分配只读" in response.content.decode()


def test_the_admin_does_not_change_or_delete_an_assignment(client, superuser, edition, pair):
    expert, entry = pair
    other = make_entry(edition, code="2031-CE-002")
    assignment = Assignment.objects.create(expert=expert, nomination=entry)

    client.post(
        f"/en/admin/review/assignment/{assignment.pk}/change/",
        {"expert": expert.pk, "nomination": other.pk, "source": "manual"},
    )
    client.post(f"/en/admin/review/assignment/{assignment.pk}/delete/", {"post": "yes"})

    assignment.refresh_from_db()
    assert assignment.nomination_id == entry.pk


def test_a_conflict_added_in_the_admin_goes_through_the_service(client, superuser, organiser, pair):
    expert, entry = pair
    Assignment.objects.create(expert=expert, nomination=entry)

    response = client.post(
        "/en/admin/review/conflict/add/",
        {"expert": expert.pk, "nomination": entry.pk, "reason": "Same laboratory"},
    )

    conflict = Conflict.objects.get()
    assert response.status_code == 302
    assert (conflict.source, conflict.reason, conflict.created_by) == (
        "organiser",
        "Same laboratory",
        superuser,
    )
    assert Assignment.objects.count() == 0
    assert OutboundEmail.objects.filter(template="conflict_assignments_removed").count() == 1


def test_the_conflict_admin_keeps_what_was_typed_when_the_reason_is_missing(
    client, superuser, pair
):
    expert, entry = pair

    response = client.post(
        "/en/admin/review/conflict/add/", {"expert": expert.pk, "nomination": entry.pk}
    )

    assert Conflict.objects.count() == 0
    assert "Give the reason for the conflict." in response.content.decode()
    assert f'value="{entry.pk}"' in response.content.decode()


def test_ballots_and_reviews_stay_out_of_the_admin():
    from voting.models import Ballot, BallotCast

    registered = set(admin.site._registry)

    assert registered & {Ballot, BallotCast, Review, CriterionScore} == set()
