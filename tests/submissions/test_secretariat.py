"""Secretariat recommendation: on an organisation's behalf, or by a single-use invitation."""

import re

import pytest
from django.core import mail

from core.models import AuditEvent
from submissions.models import Invitation, Nomination
from submissions.recommendations import (
    InvitationUnusable,
    accept_invitation,
    create_secretariat_nomination,
    invite_organisation,
)
from submissions.rules import can_edit_nomination
from submissions.services import NominationError
from submissions.states import Channel, NominationState
from tests.factories import OrganisationFactory, UserFactory
from tests.htmlparse import find_all

from .conftest import complete, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Organisers must set up TOTP first (tested in tests/accounts); here the pages.
    settings.WNEVC_REQUIRE_MFA = False


def parts_management():
    data = {}
    for prefix in ("completing", "people", "patents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_organiser_creates_a_nomination_on_behalf_of_an_organisation(
    client, organiser, organisation, cutting_edge, direction
):
    client.force_login(organiser)

    response = client.post(
        url("submissions:secretariat_nomination_create"),
        {
            "who-organisation": organisation.pk,
            "who-new_kind": "enterprise",
            "category": cutting_edge.pk,
            "direction": direction.pk,
            "title_zh": "液态有机储氢",
            "title_en": "Liquid organic hydrogen carrier",
            **parts_management(),
        },
    )

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.channel, nomination.organisation, nomination.created_by) == (
        Channel.SECRETARIAT,
        organisation,
        organiser,
    )
    assert nomination.state == NominationState.DRAFT


def test_secretariat_form_without_an_organisation_keeps_the_input(client, organiser, cutting_edge):
    client.force_login(organiser)

    response = client.post(
        url("submissions:secretariat_nomination_create", "en"),
        {
            "who-new_kind": "enterprise",
            "category": cutting_edge.pk,
            "title_en": "Liquid organic hydrogen carrier",
            **parts_management(),
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Pick an organisation, or give a new one&#x27;s name in both languages." in body
    assert "Liquid organic hydrogen carrier" in body
    assert Nomination.objects.count() == 0


def test_only_organisers_make_secretariat_recommendations(
    nominator, organisation, edition, cutting_edge
):
    with pytest.raises(NominationError):
        create_secretariat_nomination(
            edition=edition, organisation=organisation, actor=nominator, category=cutting_edge
        )

    assert Nomination.objects.count() == 0


# --- invitations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "greeting"), [("zh-hans", "尊敬的"), ("en", "Dear colleague")]
)
def test_invitation_is_mailed_in_the_chosen_language_with_a_working_link(
    client, organiser, edition, nominator, language, greeting, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("submissions:invitation_list"),
            {"email": "Contact@Example.CN", "language": language},
        )

    invitation = Invitation.objects.get()
    assert invitation.email == "contact@example.cn"
    assert [m.to for m in mail.outbox] == [["contact@example.cn"]]
    body = mail.outbox[0].body
    assert greeting in body
    link = re.search(r"https?://\S+", body).group(0)
    assert link.endswith(f"/{language}/invitations/{invitation.token}/")
    assert AuditEvent.objects.filter(action="invitation.created", actor=organiser).count() == 1


def test_accepting_opens_a_secretariat_nomination_for_the_accepting_organisation(
    client, organiser, edition, cutting_edge, nominator
):
    invitation = invite_organisation(
        edition=edition, email="x@example.cn", actor=organiser, language="en"
    )
    client.force_login(nominator)

    response = client.post(
        url("submissions:invitation_accept", token=invitation.token),
        {"category": cutting_edge.pk},
    )

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("submissions:nomination_edit", code=nomination.code)
    assert (nomination.channel, nomination.organisation_id) == (
        Channel.SECRETARIAT,
        nominator.organisation_id,
    )
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.nomination == nomination


def test_an_invitation_link_works_once(client, organiser, edition, cutting_edge, nominator):
    invitation = invite_organisation(
        edition=edition, email="x@example.cn", actor=organiser, language="en"
    )
    accept_invitation(token=invitation.token, actor=nominator, category=cutting_edge)
    other = UserFactory(organisation=OrganisationFactory())
    client.force_login(other)

    page = client.get(url("submissions:invitation_accept", token=invitation.token))
    post = client.post(
        url("submissions:invitation_accept", token=invitation.token),
        {"category": cutting_edge.pk},
    )

    assert (page.status_code, post.status_code) == (404, 404)
    with pytest.raises(InvitationUnusable):
        accept_invitation(token=invitation.token, actor=other, category=cutting_edge)
    assert Nomination.objects.count() == 1


def test_an_invitation_for_one_organisation_refuses_another(
    organiser, edition, cutting_edge, stranger, organisation
):
    invitation = invite_organisation(
        edition=edition,
        email="x@example.cn",
        actor=organiser,
        language="zh-hans",
        organisation=organisation,
    )

    with pytest.raises(InvitationUnusable):
        accept_invitation(token=invitation.token, actor=stranger, category=cutting_edge)

    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_an_unknown_token_is_404(client, nominator, edition):
    client.force_login(nominator)

    response = client.get(url("submissions:invitation_accept", token="not-a-token"))

    assert response.status_code == 404


def test_only_organisers_invite(nominator, edition):
    with pytest.raises(NominationError):
        invite_organisation(edition=edition, email="x@example.cn", actor=nominator, language="en")

    assert Invitation.objects.count() == 0


def test_secretariat_completes_and_submits_its_recommendation_from_the_check_page(
    client, organiser, organisation, edition, cutting_edge, django_capture_on_commit_callbacks
):
    nomination = create_secretariat_nomination(
        edition=edition,
        organisation=organisation,
        actor=organiser,
        category=cutting_edge,
        **dict.fromkeys(("title_zh", "title_en", "summary_zh", "summary_en"), "x"),
        description_en="x",
        innovations_en="x",
        indicators_en="x",
        application_en="x",
        trl=3,
        application_status="research",
        direction=edition.directions.get(),
    )
    complete(nomination, organiser)
    client.force_login(organiser)

    page = client.get(url("submissions:formalcheck_detail", code=nomination.code))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("submissions:secretariat_submit", code=nomination.code))

    assert find_all(page, "div", data_testid="secretariat-draft") != []
    assert can_edit_nomination(organiser, nomination)
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED


def test_secretariat_submit_is_only_for_secretariat_nominations(client, organiser, nomination):
    client.force_login(organiser)

    response = client.post(url("submissions:secretariat_submit", code=nomination.code))

    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT
