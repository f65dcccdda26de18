"""Guessed ids on every object URL: each persona asks for objects that exist but are not theirs.

The walk is built from the URLconf: every pattern with a parameter needs a rule below (a URL to an
existing object, and who may see it), so a new object URL without a rule fails
`test_every_object_url_has_a_rule`. Refused answers are 404 (or, for the anonymous, the sign-in
page), never 200, 403 or 500, so that existence does not leak.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.utils import timezone

from archives.models import EditionArchive
from review.models import AssignmentRun, Conflict
from submissions.models import Attachment, Recommendation
from tests.conftest import FAST_PASSWORD_HASHERS, rolled_back_at_the_end
from tests.factories import AttachmentFactory, OrganisationFactory, UserFactory
from tests.hostile.payloads import close_file
from tests.hostile.urlwalk import all_routes
from tests.review.scoring_helpers import (
    DURING,
    assign,
    make_entry,
    make_expert,
    preliminary_edition,
)
from tests.voting import tellers
from tests.voting.factories import finalist
from voting.models import Objection, PlaceDecision

PERSONAS = (
    "anonymous",
    "nominator_a",
    "nominator_b",
    "unassigned_expert",
    "assigned_expert",
    "conflicted_expert",
    "organiser",
)
EVERYONE_SIGNED_IN = set(PERSONAS) - {"anonymous"}

# Pages about no one's object: public pages, the year's open data (404 for everyone until the
# results are published; tests/voting covers the published case), and token links (a guessed
# token is refused; tests/review and tests/submissions cover the real ones).
PUBLIC = {
    "open_data:results_json",
    "open_data:results_csv",
    "open_data:bulletin_json",
    "publication:results",
    "publication:results_book",
    "publication:certificate",
    "review:invitation_accept",
    "submissions:invitation_accept",
}


@dataclass
class World:
    nomination_a: object  # a draft of organisation A
    attachment_a: object
    entry: object  # in review: assigned to one expert, conflicted for another
    entry_file: object
    expert_recommended: object  # recommended by the assigned expert
    secretariat: object  # a secretariat recommendation
    conflict: object
    run: object
    round: object
    objection: object
    edition: object
    users: dict
    archive: object


def build_world() -> World:
    """Two organisations' nominations, three experts around one entry in review, a round, an
    objection and an archive: an object behind every URL."""
    edition = preliminary_edition()
    org_a, org_b = OrganisationFactory(), OrganisationFactory()
    users = {
        "nominator_a": UserFactory(organisation=org_a),
        "nominator_b": UserFactory(organisation=org_b),
        "organiser": UserFactory(roles=["organiser"]),
    }
    experts = {
        name: make_expert(edition, name=name) for name in ("unassigned", "assigned", "conflicted")
    }
    users.update({f"{name}_expert": expert.user for name, expert in experts.items()})
    nomination_a = make_entry(
        edition, state="draft", organisation=org_a, created_by=users["nominator_a"]
    )
    entry = make_entry(edition)
    assign(experts["assigned"], entry)
    conflict = Conflict.objects.create(
        expert=experts["conflicted"], nomination=entry, source="declared", reason="Colleague"
    )
    recommended = make_entry(
        edition, state="draft", channel="expert", organisation=OrganisationFactory()
    )
    Recommendation.objects.create(
        nomination=recommended,
        recommender=users["assigned_expert"],
        statement_zh="推荐。",
        statement_en="Recommended.",
    )
    category = edition.categories.get(code="cutting_edge")
    for number in (1, 2):
        finalist(category, code=f"{edition.year}-CE-9{number:02d}")
    round = tellers.open_round(
        edition=edition,
        category=category,
        actor=users["organiser"],
        closes_at=timezone.now() + timedelta(days=2),
    )
    return World(
        nomination_a=nomination_a,
        attachment_a=AttachmentFactory(
            nomination=nomination_a, kind=Attachment.Kind.TECHNICAL_REPORT
        ),
        entry=entry,
        entry_file=AttachmentFactory(nomination=entry, kind=Attachment.Kind.TECHNICAL_REPORT),
        expert_recommended=recommended,
        secretariat=make_entry(edition, state="draft", channel="secretariat"),
        conflict=conflict,
        run=AssignmentRun.objects.create(
            edition=edition, started_by=users["organiser"], per_entry=1
        ),
        round=round,
        objection=Objection.objects.create(
            edition=edition,
            nomination=entry,
            name="X",
            email="x@example.org",
            reason="R",
            file=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
            file_name="evidence.pdf",
            file_content_type="application/pdf",
        ),
        edition=edition,
        users=users,
        archive=EditionArchive.objects.create(
            edition=edition,
            state=EditionArchive.State.READY,
            file=ContentFile(b"PK\x05\x06" + bytes(18), name="archive.zip"),
            size=22,
            sha256="0" * 64,
            expires_at=timezone.now() + timedelta(days=7),
        ),
    )


def _file_storages(folder) -> dict:
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }


@pytest.fixture(scope="module")
def _world_files(tmp_path_factory):
    return tmp_path_factory.mktemp("idor-media")


@pytest.fixture(autouse=True)
def _media_root(settings, _world_files):
    # The world's files, made once for the module, in a folder of the module's.
    settings.MEDIA_ROOT = _world_files
    settings.STORAGES = _file_storages(_world_files)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, _world_files):
    """The world, built once for the module's 150-odd tests (0.15 s each time otherwise);
    each test's changes roll back (tests.conftest.rolled_back_at_the_end)."""
    with rolled_back_at_the_end(django_db_blocker):
        with (
            time_machine.travel(DURING, tick=False),
            override_settings(
                PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
                MEDIA_ROOT=_world_files,
                STORAGES=_file_storages(_world_files),
            ),
        ):
            built = build_world()
        yield built


def _place_decision(world):
    """A decision on places of the world's round (the URL's object; its state does not matter
    for who may reach it)."""
    return PlaceDecision.objects.get_or_create(
        round=world.round,
        cause="unfilled",
        defaults={"places": 1, "decision": "runoff", "reason": "R"},
    )[0]


ORGANISER = {"organiser"}
# The whole committee votes (a conflicted member is recused from the item, not the round).
COMMITTEE = {"unassigned_expert", "assigned_expert", "conflicted_expert"}
# The secretariat sees every nomination; changing materials is refused with a message instead.
OWNER_AND_SEEING_ORGANISER = {"nominator_a", "organiser"}
NON_CONFLICTED_EXPERTS = {"unassigned_expert", "assigned_expert"}

# name -> (the URL's values from the world, who may see it)
RULES = {
    "review:committee_detail": (lambda w: {"expert_id": w.conflict.expert_id}, ORGANISER),
    "review:conflict_nomination": (lambda w: {"code": w.entry.code}, ORGANISER),
    "review:conflict_delete": (lambda w: {"conflict_id": w.conflict.pk}, ORGANISER),
    "review:assignment_run_status": (lambda w: {"run_id": w.run.pk}, ORGANISER),
    "review:assignment_pair": (
        lambda w: {"code": w.entry.code, "expert_id": w.conflict.expert_id},
        ORGANISER,
    ),
    # Bidding widens what an expert may see to this, and no more: every expert without a
    # conflict may bid on an entry to review (its code, titles, summary and direction) and
    # declare a conflict with it; the conflicted expert gets 404; organisers do not bid.
    "review:bid_set": (lambda w: {"code": w.entry.code}, NON_CONFLICTED_EXPERTS),
    "review:bid_conflict": (lambda w: {"code": w.entry.code}, NON_CONFLICTED_EXPERTS),
    "scoring:entry": (lambda w: {"code": w.entry.code}, {"assigned_expert"}),
    "scoring:autosave": (lambda w: {"code": w.entry.code}, {"assigned_expert"}),
    # The secretariat holds every entry's materials anyway.
    "scoring:attachment_download": (
        lambda w: {"code": w.entry.code, "pk": w.entry_file.pk},
        {"assigned_expert", "organiser"},
    ),
    "scoring:attachment_inline": (
        lambda w: {"code": w.entry.code, "pk": w.entry_file.pk},
        {"assigned_expert", "organiser"},
    ),
    "scoring:shortlist": (lambda w: {"code": "cutting_edge"}, ORGANISER),
    "scoring:finalists": (lambda w: {"code": "cutting_edge"}, ORGANISER),
    # Downloading asks organisers for their second factor again (a redirect, not a 404).
    "archives:archive_download": (lambda w: {"pk": w.archive.pk}, ORGANISER),
    "publication:objection_detail": (lambda w: {"pk": w.objection.pk}, ORGANISER),
    "publication:objection_file": (lambda w: {"pk": w.objection.pk}, ORGANISER),
    "publication:remove_winner": (lambda w: {"pk": w.objection.pk}, ORGANISER),
    "publication:record_consequence": (lambda w: {"pk": w.objection.pk}, ORGANISER),
    "publication:decide_freed": (lambda w: {"code": "cutting_edge"}, ORGANISER),
    "voting:organiser_vacancy_runoff": (lambda w: {"pk": _place_decision(w).pk}, ORGANISER),
    "voting:member_ballot": (lambda w: {"pk": w.round.pk}, COMMITTEE),
    "voting:member_cast": (lambda w: {"pk": w.round.pk}, COMMITTEE),
    "voting:organiser_open": (lambda w: {"code": "innovative"}, ORGANISER),
    "voting:organiser_round": (lambda w: {"pk": w.round.pk}, ORGANISER),
    "voting:organiser_close": (lambda w: {"pk": w.round.pk}, ORGANISER),
    "voting:organiser_certify": (lambda w: {"pk": w.round.pk}, ORGANISER),
    "voting:organiser_runoff": (lambda w: {"pk": w.round.pk}, ORGANISER),
    "voting:organiser_rerun": (lambda w: {"pk": w.round.pk}, ORGANISER),
    "voting:organiser_void": (lambda w: {"pk": w.round.pk}, ORGANISER),
    # The round's tellers (made apart, not personas) and the secretariat.
    "voting:teller_count": (lambda w: {"pk": w.round.pk}, ORGANISER),
    "submissions:nomination_detail": (lambda w: {"code": w.nomination_a.code}, {"nominator_a"}),
    "submissions:nomination_edit": (lambda w: {"code": w.nomination_a.code}, {"nominator_a"}),
    "submissions:nomination_autosave": (lambda w: {"code": w.nomination_a.code}, {"nominator_a"}),
    "submissions:nomination_submit": (lambda w: {"code": w.nomination_a.code}, {"nominator_a"}),
    "submissions:nomination_withdraw": (lambda w: {"code": w.nomination_a.code}, {"nominator_a"}),
    "submissions:attachment_upload": (
        lambda w: {"code": w.nomination_a.code, "kind": "evidence"},
        OWNER_AND_SEEING_ORGANISER,
    ),
    "submissions:attachment_video_link": (
        lambda w: {"code": w.nomination_a.code},
        OWNER_AND_SEEING_ORGANISER,
    ),
    "submissions:attachment_remove": (
        lambda w: {"code": w.nomination_a.code, "pk": w.attachment_a.pk},
        OWNER_AND_SEEING_ORGANISER,
    ),
    "submissions:attachment_download": (
        lambda w: {"code": w.nomination_a.code, "pk": w.attachment_a.pk},
        {"nominator_a", "organiser"},
    ),
    "submissions:recommendation_form_pdf": (
        lambda w: {"code": w.nomination_a.code},
        {"nominator_a", "organiser"},
    ),
    "submissions:formalcheck_export": (lambda w: {"fmt": "csv"}, ORGANISER),
    "submissions:formalcheck_detail": (lambda w: {"code": w.entry.code}, ORGANISER),
    "submissions:secretariat_nomination_edit": (
        lambda w: {"code": w.secretariat.code},
        ORGANISER,
    ),
    "submissions:secretariat_nomination_autosave": (
        lambda w: {"code": w.secretariat.code},
        ORGANISER,
    ),
    "submissions:secretariat_submit": (lambda w: {"code": w.secretariat.code}, ORGANISER),
    "submissions:expert_recommendation": (
        lambda w: {"code": w.expert_recommended.code},
        {"assigned_expert"},
    ),
    "submissions:expert_recommendation_edit": (
        lambda w: {"code": w.expert_recommended.code},
        {"assigned_expert"},
    ),
    "submissions:expert_recommendation_submit": (
        lambda w: {"code": w.expert_recommended.code},
        {"assigned_expert"},
    ),
    "submissions:expert_recommendation_autosave": (
        lambda w: {"code": w.expert_recommended.code},
        {"assigned_expert"},
    ),
}

OBJECT_ROUTES = [
    route
    for route in all_routes()
    if route.parameters and not route.template.startswith("/en/admin/") and route.name not in PUBLIC
]
# The admin's pages about one object (its login, logout and redirects are not about objects).
ADMIN_ROUTES = [
    route
    for route in all_routes()
    if route.template.startswith("/en/admin/") and route.parameters in (("object_id",), ("id",))
]


def test_every_object_url_has_a_rule():
    assert sorted(route.name for route in OBJECT_ROUTES if route.name not in RULES) == []
    assert sorted(set(RULES) - {route.name for route in OBJECT_ROUTES}) == []


def _client(world, persona) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def _ask(client, path):
    """GET, or POST (no body) where the URL only takes POST."""
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    close_file(response)
    return response


def _refused(response, persona, ghost) -> bool:
    """404; the sign-in page for the anonymous; or exactly what a non-existent object gets
    (someone without an organisation is sent to register one, whatever the code)."""
    if response.status_code == 404:
        return True
    if persona == "anonymous":
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return (
        response.status_code == ghost.status_code == 302
        and response["Location"] == ghost["Location"]
    )


def _ghost(values: dict) -> dict:
    """The same URL for an object that does not exist."""
    return {
        name: 999999 if isinstance(value, int) else "NOPE-999" if name == "code" else value
        for name, value in values.items()
    }


@pytest.fixture(autouse=True)
def _during_the_preliminary_evaluation():
    with time_machine.travel(DURING, tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda route: route.name)
def test_a_persona_who_may_not_see_the_object_gets_404(world, route):
    build, allowed = RULES[route.name]
    values = build(world)
    path, ghost_path = route.fill(**values), route.fill(**_ghost(values))

    leaked = {}
    for persona in PERSONAS:
        if persona in allowed:
            continue
        client = _client(world, persona)
        response, ghost = _ask(client, path), _ask(client, ghost_path)
        if not _refused(response, persona, ghost):
            leaked[persona] = response.status_code

    assert leaked == {}, path


@pytest.mark.django_db
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda route: route.name)
def test_the_object_exists_for_who_may_see_it(world, route):
    # Otherwise the 404s above would prove nothing.
    build, allowed = RULES[route.name]
    path = route.fill(**build(world))

    statuses = {persona: _ask(_client(world, persona), path).status_code for persona in allowed}

    assert all(status not in (403, 404, 500) for status in statuses.values()), statuses


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=lambda route: route.template)
def test_the_admin_sends_everyone_but_staff_to_sign_in(world, route):
    path = route.fill(**dict.fromkeys(route.parameters, world.users["nominator_a"].pk))

    for persona in ("anonymous", "nominator_a", "assigned_expert"):
        response = _client(world, persona).get(path)
        assert response.status_code == 302, (persona, path)
        assert "/login/" in response["Location"], (persona, path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in all_routes() if r.name in PUBLIC], ids=lambda r: r.name
)
def test_public_object_urls_are_404_for_an_unpublished_year_or_a_guessed_token(world, route):
    values = {"year": world.edition.year, "code": world.entry.code, "uidb64": "MQ", "token": "x-y"}
    path = route.fill(**{name: values[name] for name in route.parameters})

    responses = {persona: _ask(_client(world, persona), path) for persona in PERSONAS}
    statuses = {persona: response.status_code for persona, response in responses.items()}

    assert set(statuses.values()) <= {200, 302, 404}, statuses
    if "year" in route.parameters:
        assert set(statuses.values()) == {404}, statuses
    if "token" in route.parameters:
        # A guessed token opens nothing: 404, or the sign-in page before the token is looked at.
        for persona, response in responses.items():
            assert response.status_code == 404 or (
                response.status_code == 302 and "/login/" in response["Location"]
            ), (persona, response.status_code)
