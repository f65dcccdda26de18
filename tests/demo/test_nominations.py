"""The demo's nominations: collection and formal-check stages of seed_demo."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from demo import nominations_content as content
from demo.nominations import LEFT_TO_CHECK, plan
from submissions.completeness import maturity_warnings, missing_items
from submissions.models import Attachment, FormalCheck, Nomination, Recommendation, StateChange
from submissions.states import Channel, NominationState
from submissions.uploads import validate_upload

pytestmark = pytest.mark.django_db
S = NominationState


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def seed(*args):
    call_command("seed_demo", "--year", "2026", *args, stdout=StringIO())
    return Nomination.objects.filter(edition__year=2026)


def test_the_written_content_has_enough_unique_titles_in_both_languages():
    titles = [title for technology in content.TECHNOLOGIES for title in technology.titles]

    assert len({zh for zh, _en in titles}) == len({en for _zh, en in titles}) == len(titles)
    assert len(titles) >= 125
    assert {t.direction for t in content.TECHNOLOGIES} == set(content.DIRECTION_KEYS)
    assert all(len(t.summary[0]) <= 300 and len(t.summary[1]) <= 300 for t in content.TECHNOLOGIES)


def test_plan_keeps_the_expert_quota_and_the_shares():
    plans = plan(125, expert_capacity=124)

    channels = Counter(p.channel for p in plans)
    categories = Counter(p.technology.category for p in plans)
    assert channels == {Channel.OPEN: 100, Channel.EXPERT: 12, Channel.SECRETARIAT: 13}
    assert categories == {content.CUTTING_EDGE: 60, content.INNOVATIVE: 65}


def test_collection_stage_gives_125_nominations_across_channels_directions_categories():
    nominations = seed("--stage", "collection")

    assert nominations.count() == 125
    assert Counter(nominations.values_list("channel", flat=True)) == {
        "open": 100,
        "expert": 12,
        "secretariat": 13,
    }
    assert Counter(nominations.values_list("category__code", flat=True)) == {
        "cutting_edge": 60,
        "innovative": 65,
    }
    assert nominations.values("direction").distinct().count() == 8
    assert nominations.values("title_zh").distinct().count() == 125
    assert nominations.values("title_en").distinct().count() == 125
    states = Counter(nominations.values_list("state", flat=True))
    assert set(states) == {"submitted", "draft"}
    assert states["submitted"] > 100 and states["draft"] > 0


def test_collection_nominations_fit_their_category_and_submitted_ones_are_complete():
    nominations = seed("--stage", "collection").prefetch_related("attachments", "declarations")

    for nomination in nominations.select_related("category"):
        assert (
            maturity_warnings(
                nomination.category.code, nomination.trl, nomination.application_status
            )
            == []
        ), nomination.code
        if nomination.state == S.SUBMITTED:
            assert missing_items(nomination) == [], nomination.code
    assert all(
        (n.trl <= 4) if n.category.code == "cutting_edge" else (n.trl >= 6)
        for n in nominations.select_related("category")
    )


def test_every_nomination_has_people_patents_and_small_pdfs():
    nominations = seed("--stage", "collection", "--nominations", "10")

    for nomination in nominations:
        assert nomination.completing_organisations.count() == 2
        assert nomination.key_people.count() == 3
        assert [p.number[:2] for p in nomination.patents.all()] == ["CN", "US"]
        form = nomination.attachments.get(kind=Attachment.Kind.RECOMMENDATION_FORM)
        with form.file.open("rb") as handle:
            data = handle.read()
        assert data.startswith(b"%PDF")
        assert form.size == len(data) < 20_000
        # The seeded files pass the checks a nominator's upload passes.
        for attachment in nomination.attachments.all():
            with attachment.file.open("rb") as handle:
                checked = validate_upload(
                    handle, name=attachment.original_name, kind=attachment.kind
                )
            assert (checked.content_type, checked.size) == (
                attachment.content_type,
                attachment.size,
            )


def test_expert_recommendations_keep_two_per_category_per_expert_with_statements():
    seed("--stage", "collection")

    per_expert = Counter(
        Recommendation.objects.values_list("recommender", "nomination__category__code")
    )
    assert Recommendation.objects.count() == 12
    assert max(per_expert.values()) <= 2
    assert all(
        r.statement_zh and r.statement_en and r.nomination.channel == Channel.EXPERT
        for r in Recommendation.objects.select_related("nomination")
    )


def test_submissions_went_through_the_transition_service():
    nominations = seed("--stage", "collection")
    submitted = nominations.filter(state=S.SUBMITTED)

    assert StateChange.objects.filter(to_state=S.SUBMITTED).count() == submitted.count()
    assert (
        AuditEvent.objects.filter(
            action="nomination.state_changed", details__to="submitted"
        ).count()
        == submitted.count()
    )


def test_formal_check_stage_gives_mostly_eligible_some_returned_a_few_ineligible():
    nominations = seed("--stage", "formal_check")

    states = Counter(nominations.values_list("state", flat=True))
    decided = states["eligible"] + states["returned"] + states["ineligible"]
    assert nominations.count() == 125
    # The secretariat is part-way through: some are left for the person trying the demo.
    assert states["submitted"] == LEFT_TO_CHECK
    assert states["eligible"] > decided * 0.75
    assert 5 <= states["returned"] <= 20
    assert 1 <= states["ineligible"] <= 8
    assert FormalCheck.objects.count() == decided
    returned = nominations.filter(state=S.RETURNED)
    assert all(n.return_reasons and n.correction_deadline for n in returned)
    assert all(n.reason for n in FormalCheck.objects.exclude(decision="eligible"))
    assert set(nominations.filter(channel=Channel.EXPERT).values_list("state", flat=True)) == {
        "eligible"
    }
    assert AuditEvent.objects.filter(action="nomination.formal_check").count() == decided


def test_nominations_option_controls_the_count():
    nominations = seed("--stage", "formal_check", "--nominations", "30")

    assert nominations.count() == 30
    assert set(nominations.values_list("channel", flat=True)) == {
        "open",
        "expert",
        "secretariat",
    }
    assert set(nominations.values_list("category__code", flat=True)) == {
        "cutting_edge",
        "innovative",
    }
