"""The query budget of creating and submitting a nomination, request by request (issue 10).

The same requests as benchmarks/nomination_submit.py: the new-nomination POST and the uploads of
the two required materials (the create flow), then the submit page and its POST (the submit
flow). Each request is pinned to the statements it makes today on PostgreSQL (transaction
statements included); a change that adds one fails here. Tasks queued after commit are not part
of a request (a worker runs them): the test transaction never commits, so they do not run here.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.models import Nomination

from . import samples
from .conftest import url
from .filled_form import form_data

pytestmark = pytest.mark.django_db

# Per request, with the settings' second-factor check on (the signed-in person's roles come
# with the person, accounts.backends). The ceiling is 15 for any one request; after
# its commit the submit also hands its notice to the broker (3 statements, core.outbox), which
# the benchmark counts and this test cannot (its transaction never commits).
CREATE_POST = 13
UPLOAD = 8
# A new version also takes the old one out of the current materials (one UPDATE more).
REPLACING_UPLOAD = 9
SUBMIT_PAGE = 6
SUBMIT_POST = 12


@pytest.fixture
def signed_in(client, nominator):
    client.force_login(nominator)
    client.get(url("submissions:nomination_list"))  # the session, as after signing in
    return client


def create(client, edition, django_assert_max_num_queries) -> str:
    data = form_data(edition)
    with django_assert_max_num_queries(CREATE_POST):
        response = client.post(url("submissions:nomination_create"), data)
    assert response.status_code == 302
    code = response["Location"].rstrip("/").split("/")[-2]
    for kind, pages in (("recommendation_form", 1), ("technical_report", 20)):
        with django_assert_max_num_queries(UPLOAD):
            response = client.post(
                url("submissions:attachment_upload", code=code, kind=kind),
                {
                    "file": SimpleUploadedFile(
                        f"{kind}.pdf", samples.pdf_bytes(pages=pages), "application/pdf"
                    )
                },
                headers={"Accept": "application/json"},
            )
        assert response.status_code == 200, response.content[:300]
        assert response.json()["ok"] is True
    return code


def test_create_flow_stays_within_its_budget(signed_in, edition, django_assert_max_num_queries):
    code = create(signed_in, edition, django_assert_max_num_queries)

    nomination = Nomination.objects.get(code=code)
    assert nomination.state == "draft"
    assert sorted(nomination.attachments.values_list("kind", "version", "is_current")) == [
        ("recommendation_form", 1, True),
        ("technical_report", 1, True),
    ]
    assert nomination.key_people.count() == 2 and nomination.patents.count() == 2
    assert nomination.declarations.count() == 3


def test_replacing_a_material_stays_within_the_upload_budget(
    signed_in, edition, django_assert_max_num_queries
):
    code = create(signed_in, edition, django_assert_max_num_queries)

    with django_assert_max_num_queries(REPLACING_UPLOAD):
        response = signed_in.post(
            url("submissions:attachment_upload", code=code, kind="technical_report"),
            {"file": SimpleUploadedFile("v2.pdf", samples.pdf_bytes(pages=2), "application/pdf")},
            headers={"Accept": "application/json"},
        )

    assert response.json()["ok"] is True
    reports = Nomination.objects.get(code=code).attachments.filter(kind="technical_report")
    assert sorted(reports.values_list("version", "is_current")) == [(1, False), (2, True)]


def test_submit_flow_stays_within_its_budget(signed_in, edition, django_assert_max_num_queries):
    code = create(signed_in, edition, django_assert_max_num_queries)

    with django_assert_max_num_queries(SUBMIT_PAGE):
        page = signed_in.get(url("submissions:nomination_submit", code=code))
    assert b'data-testid="complete"' in page.content
    with django_assert_max_num_queries(SUBMIT_POST):
        response = signed_in.post(url("submissions:nomination_submit", code=code))

    assert response.status_code == 302
    nomination = Nomination.objects.get(code=code)
    assert (nomination.state, nomination.version) == ("submitted", 2)
    assert list(nomination.state_changes.values_list("to_state", flat=True)) == [
        "draft",
        "submitted",
    ]
