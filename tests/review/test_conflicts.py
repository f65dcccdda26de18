"""Conflicts of interest: the automatic rules, their refresh, declarations, and recusal."""

from datetime import timedelta

import pytest
from django.utils import translation

from review import queries
from review.conflicts import (
    RECOMMENDED,
    SAME_EMAIL_DOMAIN,
    SAME_ORGANISATION,
    ExpertFacts,
    NominationFacts,
    OrganisationFacts,
    automatic_conflicts,
    automatic_reason,
    conflicts_between,
    normalise_name,
)
from review.models import Assignment, Conflict
from review.services import (
    ReviewError,
    add_conflict,
    declaration_window_open,
    declare_conflicts,
    refresh_automatic_conflicts,
    remove_conflict,
)
from submissions.models import CompletingOrganisation, Recommendation
from submissions.stages import Stage
from tests.factories import OrganisationFactory, UserFactory

from .committee_helpers import committee_edition, make_entry, make_expert

TSINGHUA = OrganisationFacts(
    id=7, names=("清华大学", "Tsinghua University"), email_domain="tsinghua.edu.cn"
)
OTHER = OrganisationFacts(id=8, names=("某汽车公司", "Some Motors"), email_domain="somemotors.cn")


def facts_expert(**kwargs) -> ExpertFacts:
    defaults = {"id": 1, "user_id": 100, "email": "expert@example.org"}
    return ExpertFacts(**{**defaults, **kwargs})


# --- The pure rules -------------------------------------------------------------------------


def test_same_registered_organisation_as_the_nominating_organisation():
    expert = facts_expert(organisation=TSINGHUA)
    nomination = NominationFacts(id=5, nominating=TSINGHUA)

    found = conflicts_between(expert, nomination)

    assert [(c.kind, c.detail) for c in found] == [
        (SAME_ORGANISATION, "清华大学 / Tsinghua University")
    ]


def test_completing_organisation_by_registered_organisation():
    expert = facts_expert(organisation=TSINGHUA)
    nomination = NominationFacts(id=5, nominating=OTHER, completing=(TSINGHUA,))

    assert [c.kind for c in conflicts_between(expert, nomination)] == [SAME_ORGANISATION]


def test_completing_organisation_by_a_name_match_ignoring_case_and_spaces():
    expert = facts_expert(affiliation_names=("TSINGHUA  university",))
    completing = OrganisationFacts(id=None, names=("Tsinghua University",))
    nomination = NominationFacts(id=5, nominating=OTHER, completing=(completing,))

    assert [c.kind for c in conflicts_between(expert, nomination)] == [SAME_ORGANISATION]
    assert normalise_name(" Tsinghua, University. ") == "tsinghuauniversity"


def test_email_domain_of_the_nominating_organisation_and_its_subdomains():
    at_domain = facts_expert(email="li@tsinghua.edu.cn")
    at_subdomain = facts_expert(email="li@mail.tsinghua.edu.cn")
    elsewhere = facts_expert(email="li@nottsinghua.edu.cn")
    nomination = NominationFacts(id=5, nominating=TSINGHUA)

    assert [c.kind for c in conflicts_between(at_domain, nomination)] == [SAME_EMAIL_DOMAIN]
    assert [c.kind for c in conflicts_between(at_subdomain, nomination)] == [SAME_EMAIL_DOMAIN]
    assert conflicts_between(elsewhere, nomination) == []


def test_email_domain_of_a_completing_organisation():
    expert = facts_expert(email="wang@somemotors.cn")
    nomination = NominationFacts(id=5, nominating=TSINGHUA, completing=(OTHER,))

    assert [(c.kind, c.detail) for c in conflicts_between(expert, nomination)] == [
        (SAME_EMAIL_DOMAIN, "somemotors.cn")
    ]


def test_the_recommending_expert():
    expert = facts_expert(user_id=100)
    nomination = NominationFacts(id=5, nominating=OTHER, recommender_user_id=100)

    assert [c.kind for c in conflicts_between(expert, nomination)] == [RECOMMENDED]


def test_no_conflict_without_a_shared_organisation_domain_or_recommendation():
    expert = facts_expert(organisation=OTHER, email="x@example.org")
    nomination = NominationFacts(id=5, nominating=TSINGHUA, recommender_user_id=999)

    assert conflicts_between(expert, nomination) == []


def test_several_reasons_of_one_pair_are_kept_together():
    expert = facts_expert(user_id=100, organisation=TSINGHUA, email="a@tsinghua.edu.cn")
    nomination = NominationFacts(id=5, nominating=TSINGHUA, recommender_user_id=100)

    result = automatic_conflicts([expert], [nomination])

    assert list(result) == [(1, 5)]
    assert [c.kind for c in result[(1, 5)]] == [RECOMMENDED, SAME_ORGANISATION, SAME_EMAIL_DOMAIN]


def test_automatic_reasons_read_in_both_languages():
    with translation.override("en"):
        english = automatic_reason(SAME_EMAIL_DOMAIN, "tsinghua.edu.cn")
    with translation.override("zh-hans"):
        chinese = automatic_reason(SAME_EMAIL_DOMAIN, "tsinghua.edu.cn")

    assert english == "E-mail address at the organisation's domain tsinghua.edu.cn"
    assert chinese == "电子邮箱属于该单位域名 tsinghua.edu.cn"


# --- Refreshing the stored automatic conflicts ----------------------------------------------


@pytest.fixture
def edition(db):
    return committee_edition()


def test_refresh_records_each_automatic_source(edition):
    tsinghua = OrganisationFactory(
        name_zh="清华大学", name_en="Tsinghua University", email_domain="tsinghua.edu.cn"
    )
    motors = OrganisationFactory(
        name_zh="某汽车公司", name_en="Some Motors", email_domain="motors.cn"
    )
    same_org = make_expert(edition, name="Org", organisation=tsinghua)
    by_domain = make_expert(edition, name="Domain", email="wang@motors.cn")
    by_name = make_expert(edition, name="Name", affiliation=("某汽车公司", "Some Motors Co."))
    recommender = make_expert(edition, name="Recommender")
    unrelated = make_expert(edition, name="Free")
    nominated_by_tsinghua = make_entry(edition, code="2031-CE-001", organisation=tsinghua)
    completed_by_motors = make_entry(edition, code="2031-CE-002")
    CompletingOrganisation.objects.create(
        nomination=completed_by_motors,
        name_zh="某汽车公司",
        name_en="Some Motors",
        organisation=motors,
    )
    recommended = make_entry(edition, code="2031-CE-003", channel="expert")
    Recommendation.objects.create(
        nomination=recommended,
        recommender=recommender.user,
        statement_zh="推荐。",
        statement_en="Recommended.",
    )

    result = refresh_automatic_conflicts(edition=edition, actor=None)

    stored = sorted(
        (c.expert_id, c.nomination.code, c.reason.split(":")[0])
        for c in Conflict.objects.select_related("nomination")
    )
    assert stored == sorted(
        [
            (same_org.pk, "2031-CE-001", SAME_ORGANISATION),
            (by_domain.pk, "2031-CE-002", SAME_EMAIL_DOMAIN),
            (by_name.pk, "2031-CE-002", SAME_ORGANISATION),
            (recommender.pk, "2031-CE-003", RECOMMENDED),
        ]
    )
    assert all(c.source == Conflict.Source.AUTOMATIC for c in Conflict.objects.all())
    assert not Conflict.objects.filter(expert=unrelated).exists()
    assert result["created"] == 4
    assert nominated_by_tsinghua.pk in queries.recused_experts(edition)


def test_refresh_is_idempotent_and_drops_conflicts_that_no_longer_apply(edition):
    tsinghua = OrganisationFactory(email_domain="tsinghua.edu.cn")
    expert = make_expert(edition, organisation=tsinghua)
    entry = make_entry(edition, code="2031-CE-001", organisation=tsinghua)
    refresh_automatic_conflicts(edition=edition, actor=None)
    first = list(Conflict.objects.values_list("pk", "expert_id", "nomination_id", "reason"))

    again = refresh_automatic_conflicts(edition=edition, actor=None)

    assert list(Conflict.objects.values_list("pk", "expert_id", "nomination_id", "reason")) == first
    assert (again["created"], again["removed"], again["changed"]) == (0, 0, 0)
    expert.organisation = None
    expert.save()
    gone = refresh_automatic_conflicts(edition=edition, actor=None)
    assert gone["removed"] == 1
    assert not Conflict.objects.filter(expert=expert, nomination=entry).exists()


def test_a_new_automatic_conflict_removes_the_pair_assignment(edition):
    tsinghua = OrganisationFactory(email_domain="tsinghua.edu.cn")
    expert = make_expert(edition, email="li@tsinghua.edu.cn")
    entry = make_entry(edition, code="2031-CE-001", organisation=tsinghua)
    Assignment.objects.create(expert=expert, nomination=entry)

    result = refresh_automatic_conflicts(edition=edition, actor=None)

    assert result["assignments_removed"] == 1
    assert not Assignment.objects.filter(expert=expert, nomination=entry).exists()


# --- Declared and entered conflicts ---------------------------------------------------------


def test_an_expert_declares_exactly_the_ticked_entries_with_reasons(edition):
    expert = make_expert(edition)
    first = make_entry(edition, code="2031-CE-001")
    second = make_entry(edition, code="2031-CE-002")

    declare_conflicts(
        expert=expert,
        declared={first.pk: "Co-author", second.pk: "Former employer"},
        actor=expert.user,
    )
    declare_conflicts(expert=expert, declared={second.pk: "Former employer"}, actor=expert.user)

    assert list(
        Conflict.objects.filter(expert=expert).values_list("nomination__code", "source", "reason")
    ) == [("2031-CE-002", "declared", "Former employer")]


def test_without_a_preliminary_window_declarations_are_closed(edition):
    # A missing window is closed (Edition.is_open / before_close), here as for every stage.
    edition.stage_windows.all().delete()
    edition.forget_windows()
    expert = make_expert(edition)
    entry = make_entry(edition, code="2031-CE-001")

    assert declaration_window_open(edition) is False
    with pytest.raises(ReviewError):
        declare_conflicts(expert=expert, declared={entry.pk: "Co-author"}, actor=expert.user)

    assert not Conflict.objects.exists()


def test_declarations_stay_open_until_the_preliminary_evaluation_closes(edition):
    window = edition.window(Stage.PRELIMINARY)

    assert declaration_window_open(edition, window.opens_at - timedelta(days=3)) is True
    assert declaration_window_open(edition, window.closes_at - timedelta(seconds=1)) is True
    assert declaration_window_open(edition, window.closes_at) is False


def test_a_declaration_without_a_reason_is_refused(edition):
    expert = make_expert(edition)
    entry = make_entry(edition, code="2031-CE-001")

    with pytest.raises(ReviewError):
        declare_conflicts(expert=expert, declared={entry.pk: "  "}, actor=expert.user)

    assert not Conflict.objects.exists()


def test_an_organiser_enters_a_conflict_and_only_entered_ones_can_be_removed(edition):
    organiser = UserFactory(roles=["organiser"])
    expert = make_expert(edition)
    entry = make_entry(edition, code="2031-CE-001")

    conflict = add_conflict(
        expert=expert, nomination=entry, reason="Spouse works there", actor=organiser
    )
    automatic = Conflict.objects.create(
        expert=expert, nomination=entry, source=Conflict.Source.AUTOMATIC, reason="recommended"
    )

    assert (conflict.source, conflict.created_by) == (Conflict.Source.ORGANISER, organiser)
    with pytest.raises(ReviewError):
        remove_conflict(conflict=automatic, actor=organiser)
    remove_conflict(conflict=conflict, actor=organiser)
    assert list(Conflict.objects.values_list("source", flat=True)) == ["automatic"]


def test_conflicted_expert_ids_and_recused_experts_cover_every_source(edition):
    declared = make_expert(edition, name="Declared")
    entered = make_expert(edition, name="Entered")
    free = make_expert(edition, name="Free")
    entry = make_entry(edition, code="2031-CE-001")
    Conflict.objects.create(expert=declared, nomination=entry, source="declared", reason="x")
    Conflict.objects.create(expert=entered, nomination=entry, source="organiser", reason="y")

    assert queries.conflicted_expert_ids(entry) == {declared.pk, entered.pk}
    assert queries.recused_experts(edition) == {entry.pk: {declared.pk, entered.pk}}
    assert free.pk not in queries.conflicted_expert_ids(entry)


def test_rules_an_assigned_expert_may_review_but_not_once_conflicted(edition):
    from review.rules import has_conflict, is_assigned_expert, may_review

    expert = make_expert(edition)
    stranger = UserFactory()
    entry = make_entry(edition, code="2031-CE-001")
    Assignment.objects.create(expert=expert, nomination=entry)

    before = (is_assigned_expert(expert.user, entry), may_review(expert.user, entry))
    # Through the service: the database refuses a conflict of an assigned pair.
    add_conflict(expert=expert, nomination=entry, reason="x", actor=None)
    after = (has_conflict(expert.user, entry), may_review(expert.user, entry))

    assert before == (True, True)
    assert after == (True, False)
    assert (is_assigned_expert(stranger, entry), has_conflict(stranger, entry)) == (False, False)
