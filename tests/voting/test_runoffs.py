"""Objections that bind and decisions that say what they leave open (issue 9, parts 4 and 5).

- An upheld objection against a proposed winner blocks publication until its consequence is
  recorded: removed, or kept with written reasons; both reach the results, the open data and
  the bulletin, and `verify_bulletin` recounts from the two public files alone.
- A freed or unfilled place stays vacant or goes to one vacancy run-off, as the committee
  decides; a technology that wins after the notice opened has its own notice.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent
from publication import services as publication
from submissions.models import Nomination
from voting import runoffs, services
from voting.models import BallotRound, Objection, PlaceDecision, RoundKind, RoundState

from . import tellers
from .conftest import url
from .publication_fixtures import *  # noqa: F403
from .publication_fixtures import publish

pytestmark = pytest.mark.django_db


def upheld(edition, organiser, code, reason="IP dispute"):
    objection = publication.file_objection(
        edition=edition,
        nomination=Nomination.objects.get(code=code),
        name="Li Si",
        email="l@example.org",
        reason=reason,
    )
    return publication.resolve_objection(
        objection=objection, actor=organiser, upheld=True, reasoning="Proven."
    )


def end_notice(notice):
    notice.refresh_from_db()
    notice.notice_opens_at = timezone.now() - timedelta(days=31)
    notice.notice_closes_at = timezone.now() - timedelta(seconds=1)
    notice.save()


def states(*codes):
    return dict(Nomination.objects.filter(code__in=codes).values_list("code", "state"))


def vote_and_certify(round, committee, choices, organiser, **certify):
    for expert in committee:
        services.cast_ballot(round=round, voter=expert, choices=choices)
    round = tellers.close_round(round=round, actor=organiser)
    return services.certify_round(round=round, actor=organiser, **certify)


def verify(client, tmp_path, year=2031):
    bulletin_path = tmp_path / "bulletin.json"
    results_path = tmp_path / "results.json"
    bulletin_path.write_bytes(client.get(f"/results/{year}/bulletin.json").content)
    results_path.write_bytes(client.get(f"/results/{year}.json").content)
    out = StringIO()
    code = 0
    try:
        call_command(
            "verify_bulletin",
            "--year",
            str(year),
            "--file",
            str(bulletin_path),
            "--results",
            str(results_path),
            stdout=out,
        )
    except SystemExit as exit:
        code = exit.code
    return code, json.loads(out.getvalue())


# --- Part 4: an upheld objection binds ------------------------------------------------------


def test_an_upheld_objection_without_consequence_blocks_publication(
    edition, organiser, notice, django_capture_on_commit_callbacks
):
    objection = upheld(edition, organiser, "2031-CE-001")
    end_notice(notice)

    with pytest.raises(publication.PublicationError) as refused:
        publish(edition, organiser, django_capture_on_commit_callbacks)

    notice.refresh_from_db()
    assert objection.reference in refused.value.message
    assert notice.published_at is None
    assert states("2031-CE-001") == {"2031-CE-001": "finalist"}


def test_a_winner_kept_with_reasons_is_published_with_the_reasons(
    client, edition, organiser, notice, django_capture_on_commit_callbacks
):
    objection = upheld(edition, organiser, "2031-CE-001")
    publication.keep_proposed_winner(
        objection=objection, actor=organiser, reasons="The patent was licensed in time."
    )
    end_notice(notice)
    publish(edition, organiser, django_capture_on_commit_callbacks)

    objection.refresh_from_db()
    data = client.get("/results/2031.json").json()
    ce = data["categories"][0]
    assert (objection.consequence, objection.consequence_by) == ("kept", organiser)
    assert states("2031-CE-001") == {"2031-CE-001": "winner"}
    assert ce["kept_after_objection"] == [
        {
            "code": "2031-CE-001",
            "objection": objection.reference,
            "reasons": "The patent was licensed in time.",
        }
    ]
    assert AuditEvent.objects.get(action="voting.proposed_winner_kept").details["reasons"] == (
        "The patent was licensed in time."
    )


def test_keeping_a_winner_needs_reasons_in_the_service_and_the_database(edition, organiser, notice):
    objection = upheld(edition, organiser, "2031-CE-001")

    with pytest.raises(publication.PublicationError):
        publication.keep_proposed_winner(objection=objection, actor=organiser, reasons="  ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=objection.pk).update(consequence="kept")

    objection.refresh_from_db()
    assert (objection.consequence, objection.consequence_reasons) == ("", "")


def test_a_recorded_consequence_fixes_the_resolution(edition, organiser, notice):
    objection = upheld(edition, organiser, "2031-CE-001")
    publication.keep_proposed_winner(objection=objection, actor=organiser, reasons="Licensed.")

    with pytest.raises(publication.PublicationError):
        publication.resolve_objection(
            objection=objection, actor=organiser, upheld=False, reasoning="Changed our mind."
        )

    objection.refresh_from_db()
    assert objection.state == "upheld"


def test_a_removal_and_its_vacant_place_reach_the_open_data_and_the_bulletin(
    client, edition, organiser, notice, django_capture_on_commit_callbacks, tmp_path
):
    objection = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(
        objection=objection, actor=organiser, reasons="The data were not the applicant's."
    )
    end_notice(notice)
    with pytest.raises(publication.PublicationError) as refused:
        publish(edition, organiser, django_capture_on_commit_callbacks)
    runoffs.decide_freed_places(
        category=Nomination.objects.get(code="2031-CE-002").category,
        actor=organiser,
        decision="vacant",
        reason="The committee keeps the place empty.",
    )
    publish(edition, organiser, django_capture_on_commit_callbacks)

    results = client.get("/results/2031.json").json()["categories"][0]
    bulletin = client.get("/results/2031/bulletin.json").json()
    code, summary = verify(client, tmp_path)
    assert "freed" in refused.value.message
    assert [w["code"] for w in results["winners"]] == ["2031-CE-001"]
    assert [(r["code"], r["objection"], r["reasons"]) for r in results["removed"]] == [
        ("2031-CE-002", objection.reference, "The data were not the applicant's.")
    ]
    assert results["vacant_places"] == 1
    assert [(d["cause"], d["decision"], d["reason"]) for d in results["place_decisions"]] == [
        ("freed", "vacant", "The committee keeps the place empty.")
    ]
    assert bulletin["removals"] == [
        {
            "category": "cutting_edge",
            "code": "2031-CE-002",
            "objection": objection.reference,
            "reasons": "The data were not the applicant's.",
        }
    ]
    assert (code, summary["differences"]) == (0, [])
    assert summary["categories"][0]["removed_after_objection"] == ["2031-CE-002"]


def test_a_bulletin_without_its_removals_does_not_verify(
    client, edition, organiser, notice, django_capture_on_commit_callbacks, tmp_path
):
    objection = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(objection=objection, actor=organiser, reasons="Proven.")
    runoffs.decide_freed_places(
        category=Nomination.objects.get(code="2031-CE-002").category,
        actor=organiser,
        decision="vacant",
        reason="Empty.",
    )
    end_notice(notice)
    publish(edition, organiser, django_capture_on_commit_callbacks)
    bulletin = client.get("/results/2031/bulletin.json").json()
    bulletin["removals"] = []
    (tmp_path / "tampered.json").write_text(json.dumps(bulletin))

    out = StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command(
            "verify_bulletin",
            "--year",
            "2031",
            "--file",
            str(tmp_path / "tampered.json"),
            stdout=out,
        )

    assert exit.value.code == 1
    assert "2031-CE-002" in json.loads(out.getvalue())["differences"][0]


def test_a_freed_place_goes_to_a_vacancy_runoff_whose_winner_has_its_own_notice(
    client, edition, organiser, certified, notice, django_capture_on_commit_callbacks, tmp_path
):
    category = certified["categories"]["cutting_edge"]
    objection = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(objection=objection, actor=organiser, reasons="Proven.")
    decision = runoffs.decide_freed_places(
        category=category, actor=organiser, decision="runoff", reason="Fill the place."
    )
    runoff = runoffs.open_vacancy_runoff(
        decision=decision,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=1),
        tellers=tellers.make_tellers(),
    )
    runoff = vote_and_certify(runoff, certified["committee"], ["2031-CE-003"], organiser)
    decision.refresh_from_db()
    end_notice(notice)
    with pytest.raises(publication.PublicationError) as waiting:
        publish(edition, organiser, django_capture_on_commit_callbacks)
    late = publication.file_objection(
        edition=edition,
        nomination=Nomination.objects.get(code="2031-CE-003"),
        name="Wang Wu",
        email="w@example.org",
        reason="Late objection, within its own notice.",
    )
    publication.resolve_objection(objection=late, actor=organiser, upheld=False, reasoning="No.")
    PlaceDecision.objects.filter(pk=decision.pk).update(
        own_notice_closes_at=timezone.now() - timedelta(seconds=1)
    )
    publish(edition, organiser, django_capture_on_commit_callbacks)

    bulletin = client.get("/results/2031/bulletin.json").json()
    code, summary = verify(client, tmp_path)
    assert (
        runoff.kind,
        runoff.parent.number,
        list(runoff.items.values_list("code", flat=True)),
    ) == (
        RoundKind.VACANCY_RUNOFF,
        1,
        ["2031-CE-003"],
    )
    assert (runoff.threshold, runoff.quota) == (runoff.parent.threshold, 1)
    assert decision.runoff == runoff
    assert decision.own_notice_closes_at == runoff.certified_at + timedelta(days=30)
    assert "own notice" in waiting.value.message
    assert states("2031-CE-001", "2031-CE-002", "2031-CE-003") == {
        "2031-CE-001": "winner",
        "2031-CE-002": "not_selected",
        "2031-CE-003": "winner",
    }
    assert [
        (r["kind"], r["parent"]) for r in bulletin["rounds"] if r["category"] == "cutting_edge"
    ] == [
        ("main", None),
        ("vacancy_runoff", 1),
    ]
    assert (code, summary["categories"][0]["published"]) == (0, ["2031-CE-001", "2031-CE-003"])


# --- Part 5: certifying with unfilled places ------------------------------------------------


@pytest.fixture
def category_round(edition, category, items, committee, organiser, closes_at):
    """cutting_edge, quota 2: every member chooses CE-001 only: one place unfilled."""
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )
    for expert in committee:
        services.cast_ballot(round=round, voter=expert, choices=["2031-CE-001"])
    return tellers.close_round(round=round, actor=organiser), committee


def test_certifying_with_an_unfilled_place_needs_an_explicit_choice(
    edition, organiser, category_round
):
    round, _ = category_round

    with pytest.raises(services.RoundStateError) as refused:
        services.certify_round(round=round, actor=organiser)
    with pytest.raises(services.RoundStateError):
        services.certify_round(round=round, actor=organiser, unfilled="vacant", reason=" ")

    round.refresh_from_db()
    assert "1 place unfilled" in refused.value.message
    assert round.state == RoundState.CLOSED
    assert PlaceDecision.objects.count() == 0


def test_leaving_an_unfilled_place_vacant_is_recorded_and_audited(
    edition, organiser, category_round
):
    round, _ = category_round

    services.certify_round(
        round=round, actor=organiser, unfilled="vacant", reason="Only one passed."
    )

    round.refresh_from_db()
    decision = PlaceDecision.objects.get()
    event = AuditEvent.objects.get(action="voting.round_certified")
    assert round.state == RoundState.CERTIFIED
    assert (decision.cause, decision.places, decision.decision, decision.reason) == (
        "unfilled",
        1,
        "vacant",
        "Only one passed.",
    )
    assert (event.details["unfilled"], event.details["unfilled_decision"]) == (1, "vacant")


def test_a_vacancy_runoff_takes_the_other_items_once_and_what_it_leaves_stays_vacant(
    edition, organiser, category_round
):
    round, committee = category_round
    services.certify_round(round=round, actor=organiser, unfilled="runoff", reason="Try again.")
    decision = PlaceDecision.objects.get()
    closes_at = timezone.now() + timedelta(days=1)

    runoff = runoffs.open_vacancy_runoff(
        decision=decision, actor=organiser, closes_at=closes_at, tellers=tellers.make_tellers()
    )
    with pytest.raises(services.RoundStateError):
        runoffs.open_vacancy_runoff(
            decision=decision, actor=organiser, closes_at=closes_at, tellers=tellers.make_tellers()
        )
    # Nobody passes the threshold in the run-off: certified without a further choice.
    runoff = vote_and_certify(runoff, committee, [], organiser)

    decision.refresh_from_db()
    assert (runoff.kind, runoff.parent, runoff.state) == (
        RoundKind.VACANCY_RUNOFF,
        round,
        RoundState.CERTIFIED,
    )
    assert sorted(runoff.items.values_list("code", flat=True)) == ["2031-CE-002", "2031-CE-003"]
    assert (runoff.quota, runoff.threshold, runoff.quorum) == (1, round.threshold, round.quorum)
    assert decision.runoff == runoff
    assert decision.own_notice_closes_at is None  # no notice had opened
    assert services.unfilled_places(runoff) == 1
    assert PlaceDecision.objects.count() == 1


def test_the_database_refuses_a_main_round_with_a_parent(category_round):
    round, _ = category_round
    child = BallotRound.objects.filter(pk=round.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        child.update(parent=round)


# --- The pages ------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


def test_the_objection_page_asks_for_the_consequence_and_keeps_what_was_entered(
    signed_in, edition, organiser, notice
):
    objection = upheld(edition, organiser, "2031-CE-001")
    page = signed_in.get(url("publication:objection_detail", pk=objection.pk)).content.decode()

    refused = signed_in.post(
        url("publication:record_consequence", "zh-hans", pk=objection.pk),
        {"consequence": "kept", "reasons": ""},
    )
    objection.refresh_from_db()
    assert objection.consequence == ""
    response = signed_in.post(
        url("publication:record_consequence", pk=objection.pk),
        {"consequence": "removed", "reasons": "Copied from another applicant."},
    )

    objection.refresh_from_db()
    notice.refresh_from_db()
    assert 'data-testid="consequence-form"' in page
    assert refused.status_code == 400
    assert "对拟入选技术的处理" in refused.content.decode()
    assert response.status_code == 302
    assert (objection.consequence, objection.consequence_reasons) == (
        "removed",
        "Copied from another applicant.",
    )
    assert notice.removed == ["2031-CE-001"]


def test_the_dashboard_lists_what_blocks_publication_and_records_the_freed_place(
    signed_in, edition, organiser, notice
):
    objection = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(objection=objection, actor=organiser, reasons="Proven.")
    end_notice(notice)
    page = signed_in.get(url("publication:dashboard", "zh-hans")).content.decode()

    refused = signed_in.post(
        url("publication:decide_freed", code="cutting_edge"),
        {"cutting_edge-unfilled": "vacant", "cutting_edge-reason": ""},
    )
    signed_in.post(
        url("publication:decide_freed", code="cutting_edge"),
        {"cutting_edge-unfilled": "vacant", "cutting_edge-reason": "Keep it empty."},
    )
    after = signed_in.get(url("publication:dashboard")).content.decode()

    assert 'data-testid="blockers"' in page and "因撤销空出" in page
    assert 'data-testid="publish"' not in page
    assert refused.status_code == 400
    assert PlaceDecision.objects.get().reason == "Keep it empty."
    assert 'data-testid="publish"' in after


def test_the_round_page_says_what_certifying_leaves_open(signed_in, category_round):
    round, _ = category_round
    page = signed_in.get(url("voting:organiser_round", "zh-hans", pk=round.pk)).content.decode()

    refused = signed_in.post(
        url("voting:organiser_certify", pk=round.pk), {"reason": "Typed before choosing."}
    )
    round.refresh_from_db()
    state_after_refusal = round.state
    signed_in.post(
        url("voting:organiser_certify", pk=round.pk),
        {"unfilled": "runoff", "reason": "One more try."},
    )
    certified = signed_in.get(url("voting:organiser_round", pk=round.pk)).content.decode()

    assert 'data-testid="unfilled-warning"' in page and "2 个名额中留下 1 个空缺" in page
    assert refused.status_code == 400
    assert "Typed before choosing." in refused.content.decode()
    assert state_after_refusal == RoundState.CLOSED
    assert PlaceDecision.objects.get().decision == "runoff"
    assert 'data-testid="vacancy-runoff-form"' in certified


def test_the_vacancy_runoff_opens_from_the_round_page(signed_in, organiser, category_round):
    round, _ = category_round
    services.certify_round(round=round, actor=organiser, unfilled="runoff", reason="Again.")
    decision = PlaceDecision.objects.get()
    closes = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = signed_in.post(
        url("voting:organiser_vacancy_runoff", pk=decision.pk),
        {"closes_at": closes, "tellers": [t.pk for t in tellers.make_tellers()]},
    )

    decision.refresh_from_db()
    assert decision.runoff.kind == RoundKind.VACANCY_RUNOFF
    assert response["Location"] == url("voting:organiser_round", pk=decision.runoff.pk)


def test_the_public_results_show_removals_with_reasons_and_vacant_places(
    client, edition, organiser, notice, django_capture_on_commit_callbacks
):
    objection = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(objection=objection, actor=organiser, reasons="抄袭。")
    runoffs.decide_freed_places(
        category=Nomination.objects.get(code="2031-CE-002").category,
        actor=organiser,
        decision="vacant",
        reason="空缺。",
    )
    end_notice(notice)
    publish(edition, organiser, django_capture_on_commit_callbacks)

    page = client.get(url("publication:results", "zh-hans", year=2031)).content.decode()

    assert 'data-testid="removed-list"' in page and "抄袭。" in page
    assert "1 个名额空缺。" in page


def test_the_notice_page_takes_objections_to_a_late_winner_only_during_its_own_notice(
    client, edition, organiser, certified, notice
):
    objection = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(objection=objection, actor=organiser, reasons="Proven.")
    decision = runoffs.decide_freed_places(
        category=certified["categories"]["cutting_edge"],
        actor=organiser,
        decision="runoff",
        reason="Fill it.",
    )
    runoff = runoffs.open_vacancy_runoff(
        decision=decision,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=1),
        tellers=tellers.make_tellers(),
    )
    vote_and_certify(runoff, certified["committee"], ["2031-CE-003"], organiser)
    end_notice(notice)

    page = client.get(url("publication:notice", "zh-hans")).content.decode()
    form = client.get(url("publication:objection")).content.decode()

    assert 'data-testid="late-notice"' in page and 'data-testid="own-notice"' in page
    assert 'value="2031-CE-003"' in form
    assert 'value="2031-CE-001"' not in form


def test_the_database_refuses_to_publish_past_an_upheld_objection_without_consequence(
    edition, organiser, notice
):
    upheld(edition, organiser, "2031-CE-001")
    end_notice(notice)

    with pytest.raises(IntegrityError), transaction.atomic():
        type(notice).objects.filter(pk=notice.pk).update(published_at=timezone.now())

    notice.refresh_from_db()
    assert notice.published_at is None


def test_the_publication_dashboard_query_count_does_not_grow_with_objections(
    signed_in, edition, organiser, notice
):
    objection = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(objection=objection, actor=organiser, reasons="Proven.")
    runoffs.decide_freed_places(
        category=Nomination.objects.get(code="2031-CE-002").category,
        actor=organiser,
        decision="vacant",
        reason="Empty.",
    )

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(url("publication:dashboard"))
        assert response.status_code == 200
        return len(captured)

    upheld(edition, organiser, "2031-CE-001")
    one = count()
    for _ in range(2):
        upheld(edition, organiser, "2031-CE-001")
    three = count()

    assert Objection.objects.count() == 4
    assert three == one


def test_a_closed_round_does_not_offer_its_own_winner_for_a_vacancy_runoff(
    edition, category, items, committee, organiser, closes_at
):
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )
    for expert in committee:
        services.cast_ballot(round=round, voter=expert, choices=[items[0].code])
    round = tellers.close_round(round=round, actor=organiser)

    offered = [n.code for n in runoffs.vacancy_runoff_items(round)]

    assert (round.state, round.result["winners"]) == (RoundState.CLOSED, [items[0].code])
    assert offered == [items[1].code, items[2].code]
