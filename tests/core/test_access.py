"""The one gate in front of the pages: `core.access.permission_required_or_404`.

Real permissions of the apps, real rows in PostgreSQL, views called through the decorator.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.utils import translation

from core.access import permission_required_or_404
from submissions.queries import nominations_owned_by
from tests.factories import NominationFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _own_nomination(request, code, **_kwargs):
    return get_object_or_404(nominations_owned_by(request.user), code=code)


@permission_required_or_404("submissions.run_formal_check")
def organiser_page(request):
    return HttpResponse("queue")


@permission_required_or_404("submissions.act_for_nomination", fn=_own_nomination)
def nomination_page(request, code):
    return HttpResponse(f"{request.permitted_object.code} for {code}")


def _get(user, path="/en/page/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_the_anonymous_are_sent_to_sign_in_and_come_back():
    with translation.override("en"):
        response = organiser_page(_get(AnonymousUser(), "/en/page/?q=1"))

    assert (response.status_code, response["Location"]) == (
        302,
        "/en/accounts/login/?next=/en/page/%3Fq%3D1",
    )


def test_the_anonymous_are_sent_to_sign_in_before_any_object_is_looked_up(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        response = nomination_page(_get(AnonymousUser()), code="T-ANY")

    assert response.status_code == 302


def test_the_wrong_role_gets_404():
    with pytest.raises(Http404):
        organiser_page(_get(UserFactory(roles=["expert"])))


def test_the_right_role_reaches_the_page():
    response = organiser_page(_get(UserFactory(roles=["organiser"])))

    assert (response.status_code, response.content) == (200, b"queue")


def test_a_superuser_is_no_committee_member():
    # Django's user.has_perm grants superusers everything; the gate asks the rules alone.
    @permission_required_or_404("review.serve_on_committee", fn=lambda request: None)
    def committee_page(request):
        return HttpResponse("mine")

    with pytest.raises(Http404):
        committee_page(_get(UserFactory(is_superuser=True)))


def test_the_object_the_rule_allows_reaches_the_view():
    organisation = OrganisationFactory()
    nomination = NominationFactory(organisation=organisation)

    response = nomination_page(_get(UserFactory(organisation=organisation)), code=nomination.code)

    assert response.content.decode() == f"{nomination.code} for {nomination.code}"


def test_an_object_outside_the_visibility_queryset_is_404_like_a_missing_one():
    nomination = NominationFactory(organisation=OrganisationFactory())
    stranger = UserFactory(organisation=OrganisationFactory())

    for code in (nomination.code, "NOPE-999"):
        with pytest.raises(Http404):
            nomination_page(_get(stranger), code=code)


def test_an_object_the_permission_refuses_is_404():
    # In the organiser's sight (all nominations) but not theirs to act for as nominator.
    nomination = NominationFactory(organisation=OrganisationFactory())

    @permission_required_or_404(
        "submissions.act_for_nomination",
        fn=lambda request, code: NominationFactory._meta.model.objects.get(code=code),
    )
    def page(request, code):
        return HttpResponse("opened")

    with pytest.raises(Http404):
        page(_get(UserFactory(roles=["organiser"])), code=nomination.code)


def test_the_view_names_its_permission():
    assert nomination_page.permission_required == "submissions.act_for_nomination"
