"""The organisation profile's writes: create and join, change one's own, refuse another's."""

import pytest
from django.utils import translation

from accounts.services import OrganisationRefused, save_organisation_profile
from core.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_profile_creates_the_organisation_joins_it_and_is_audited():
    person = UserFactory()

    organisation = save_organisation_profile(
        actor=person, name_zh="清华大学", name_en="Tsinghua University", kind="university"
    )

    person.refresh_from_db()
    assert person.organisation == organisation
    assert list(AuditEvent.objects.values_list("action", "object_id", "details")) == [
        ("organisation.created", str(organisation.pk), {"fields": ["kind", "name_en", "name_zh"]})
    ]


def test_a_member_changes_their_own_organisation():
    organisation = OrganisationFactory()
    person = UserFactory(organisation=organisation)

    save_organisation_profile(actor=person, organisation=organisation, name_en="Renamed")

    organisation.refresh_from_db()
    assert organisation.name_en == "Renamed"
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["organisation.changed"]


def test_another_organisations_profile_is_refused_and_left_unchanged():
    organisation = OrganisationFactory(name_en="Theirs")
    stranger = UserFactory(organisation=OrganisationFactory())

    with translation.override("en"), pytest.raises(OrganisationRefused) as refused:
        save_organisation_profile(actor=stranger, organisation=organisation, name_en="Mine")

    organisation.refresh_from_db()
    assert organisation.name_en == "Theirs"
    assert refused.value.message == "You may only change your own organisation's profile."
    assert not AuditEvent.objects.exists()


def test_a_field_outside_the_profile_is_a_programming_error():
    with pytest.raises(TypeError):
        save_organisation_profile(actor=UserFactory(), name_zh="x", email_domain="evil.example")
