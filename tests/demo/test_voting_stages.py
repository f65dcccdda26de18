"""seed_demo --stage voting and --stage published: open rounds with some ballots, and published
results with 8 + 8 winners from 31 members' ballots that recount to the same winners."""

import json
import re
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from archives.models import EditionArchive
from core.models import OutboundEmail, OutboxMessage
from demo.builders import build_edition
from publication.models import PublicDocument
from submissions.models import Nomination
from submissions.stages import Stage
from submissions.tasks import send_state_change_notice
from tests.demo.conftest import seeded_once
from voting import sealing
from voting.models import BallotCast, BallotRound, Publication

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", "--year", "2030", *args, stdout=StringIO())


@pytest.fixture(scope="module")
def voting_stage(django_db_setup, django_db_blocker):
    """The voting stage, seeded once with DEBUG on (the teller secrets printed)."""
    with seeded_once(django_db_blocker, "--year", "2030", "--stage", "voting", DEBUG=True) as out:
        yield out


def test_voting_stage_has_an_open_round_per_category_with_some_ballots(voting_stage):
    rounds = list(BallotRound.objects.filter(edition__year=2030).order_by("category__code"))
    assert [(r.category.code, r.state) for r in rounds] == [
        ("cutting_edge", "open"),
        ("innovative", "open"),
    ]
    casts = [BallotCast.objects.filter(round=r).count() for r in rounds]
    assert all(0 < c < r.voters.count() for c, r in zip(casts, rounds, strict=True))
    assert not Publication.objects.exists()


def test_published_stage_has_eight_and_eight_winners_that_recount():
    seed("--stage", "published")

    winners = Nomination.objects.filter(edition__year=2030, state="winner")
    assert sorted(
        (code, count)
        for code in ("cutting_edge", "innovative")
        for count in [winners.filter(category__code=code).count()]
    ) == [("cutting_edge", 8), ("innovative", 8)]
    assert not Nomination.objects.filter(edition__year=2030, state="finalist").exists()
    rounds = BallotRound.objects.filter(edition__year=2030)
    assert {r.state for r in rounds} == {"certified"}
    assert {BallotCast.objects.filter(round=r).count() for r in rounds} == {31}
    out = StringIO()
    call_command("verify_bulletin", "--year", "2030", stdout=out)
    assert json.loads(out.getvalue())["match"] is True


def _seed_output(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--year", "2030", *args, stdout=out)
    return out.getvalue()


def test_voting_stage_names_demo_tellers_and_prints_their_secrets_with_debug(voting_stage):
    output = voting_stage

    round = BallotRound.objects.filter(edition__year=2030).order_by("category__code").first()
    emails = [rt.teller.user.email for rt in round.tellers.order_by("position")]
    lines = [
        line.split() for line in output.splitlines() if line.strip().split()[:1] == [emails[0]]
    ]
    secret = lines[-1][1]
    assert len(emails) == 3
    assert sealing.public_key_of(sealing.parse_teller_secret(secret)) == bytes(
        round.tellers.get(position=0).public_key
    )


def test_the_demo_refuses_to_print_teller_secrets_without_debug(settings):
    settings.DEBUG = False

    output = _seed_output("--stage", "voting")

    round = BallotRound.objects.filter(edition__year=2030).first()
    assert round.tellers.count() == 3
    assert "Teller secrets are not printed with DEBUG=0" in output
    assert re.findall(r"[A-Z2-7]{5}(?:-[A-Z2-7]{5}){10}", output) == []


def test_seeding_creates_no_outgoing_email_but_a_later_action_still_does(
    mailoutbox, django_capture_on_commit_callbacks
):
    # The published stage passes every nomination through submission, checks and publication,
    # each of which notifies the nominator through the real services. Seeded here, not shared:
    # the mail outbox must see the seeding itself.
    seed("--stage", "published")

    assert OutboundEmail.objects.count() == 0
    # The outbox holds no notice: only the one task that renders the published PDFs.
    assert list(OutboxMessage.objects.values_list("task_name", flat=True)) == [
        "publication.tasks.render_public_documents"
    ]
    assert mailoutbox == []

    # What happens in the demo afterwards is e-mailed as usual: here the notice a worker sends
    # for a state change.
    nomination = Nomination.objects.filter(edition__year=2030, state="winner").first()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_state_change_notice(nomination.state_changes.last().pk)
    assert sent >= 1
    assert OutboundEmail.objects.count() == sent
    assert len(mailoutbox) == sent


def test_a_rebuild_that_fails_keeps_the_stored_files_its_rows_still_name(
    django_capture_on_commit_callbacks,
):
    """The old PDFs' rows come back with the rollback, so their files must still be there."""
    with django_capture_on_commit_callbacks(execute=True):
        seed("--stage", "published")
    documents = list(PublicDocument.objects.filter(edition__year=2030))

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        build_edition(
            year=2030, calendar_stage=Stage.COLLECTION, expert_count=3, now=timezone.now()
        )
        raise RuntimeError("a later builder failed")

    assert callbacks == []
    assert list(PublicDocument.objects.filter(edition__year=2030)) == documents
    assert all(default_storage.exists(d.file.name) for d in documents)


def test_seeding_again_after_publication_rebuilds_the_year_and_its_stored_files(
    django_capture_on_commit_callbacks,
):
    # As in `make demo`: what publication queues runs, so the results book and the
    # certificates are rendered and stored; an organiser has also asked for an archive.
    with django_capture_on_commit_callbacks(execute=True):
        seed("--stage", "published")
    documents = list(PublicDocument.objects.filter(edition__year=2030))
    assert {d.kind for d in documents} == {"results-book", "certificate"}
    EditionArchive.objects.create(edition=documents[0].edition)

    with django_capture_on_commit_callbacks(execute=True):
        seed()

    assert not PublicDocument.objects.filter(edition__year=2030).exists()
    assert not EditionArchive.objects.filter(edition__year=2030).exists()
    assert not any(default_storage.exists(d.file.name) for d in documents)
    assert not BallotRound.objects.filter(edition__year=2030).exists()
    assert Nomination.objects.filter(edition__year=2030, state="draft").exists()
