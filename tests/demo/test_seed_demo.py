import re
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Organisation, User
from demo import content
from demo.builders import STAGES
from review.models import Expert
from submissions.models import Category, Direction, Edition, StageWindow
from submissions.stages import STAGE_ORDER, Stage
from tests.demo.conftest import seeded_once
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_builds_the_current_edition_of_this_year_in_both_languages():
    EditionFactory(year=2019, is_current=True)

    seed()

    edition = Edition.objects.get(is_current=True)
    assert edition.year == timezone.localdate().year
    assert edition.name_zh == f"{edition.year}全球新能源汽车前沿及创新技术评选"
    assert edition.name_en == (
        f"{edition.year} Global NEVs Cutting-edge & Innovative Technologies Selection"
    )
    assert list(Edition.objects.filter(is_current=True)) == [edition]
    assert edition.committee_size == 31
    assert (edition.quorum, edition.threshold) == (Decimal("0.6667"), Decimal("0.5"))


def test_experts_option_sets_the_committee():
    seed("--year", "2026", "--experts", "35")

    edition = Edition.objects.get(year=2026)
    assert edition.experts.count() == 35
    assert edition.committee_size == 35
    assert len(set(edition.experts.values_list("name_en", flat=True))) == 35


def test_builds_one_organiser_who_is_staff():
    seed()

    organiser = User.objects.get(email=content.ORGANISER_EMAIL)
    assert organiser.is_staff
    assert list(organiser.groups.values_list("name", flat=True)) == ["organiser"]
    assert list(Group.objects.get(name="organiser").user_set.all()) == [organiser]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Organisation, Edition, Expert, StageWindow, Category, Direction)
    }


def test_running_twice_rebuilds_without_duplicates():
    seed("--year", "2026")
    first = Edition.objects.get(year=2026)
    after_first = counts()

    seed("--year", "2026")

    assert counts() == after_first
    assert after_first["Edition"] == 1
    assert after_first["Expert"] == 31
    assert after_first["StageWindow"] == len(STAGE_ORDER)
    assert (after_first["Category"], after_first["Direction"]) == (2, 8)
    assert Edition.objects.get(year=2026).pk != first.pk


def test_another_year_becomes_the_only_current_edition():
    seed("--year", "2025")

    seed("--year", "2026")

    assert list(Edition.objects.filter(is_current=True).values_list("year", flat=True)) == [2026]
    assert Edition.objects.get(year=2025).experts.count() == 31


def test_unknown_stage_is_a_clear_error():
    with pytest.raises(CommandError) as error:
        seed("--stage", "banquet")

    assert "'banquet'" in str(error.value)
    assert f"Available stages: {', '.join(STAGES)}." in str(error.value)
    assert next(iter(STAGES)) == "collection"
    assert not Edition.objects.exists()


def test_help_lists_the_options_and_the_available_stages(capsys):
    with pytest.raises(SystemExit):
        call_command("seed_demo", "--help")

    help_text = " ".join(capsys.readouterr().out.split())
    for option in ("--year", "--stage", "--experts", "--nominations"):
        assert option in help_text
    assert f"Available: {', '.join(STAGES)}. Default: collection." in help_text
    # Every stage the design names is built: none is announced as still to come.
    assert "not yet available" not in help_text


def test_prints_logins_that_work(client):
    output = seed()

    assert f"Password for every demo account: {content.DEMO_PASSWORD}" in output
    assert content.ORGANISER_EMAIL in output
    experts_shown = re.findall(r"expert\s+(\S+@\S+)", output)
    nominators_shown = re.findall(r"nominator\s+(\S+@\S+)", output)
    assert len(experts_shown) == 3
    assert len(nominators_shown) == 3
    assert "… and 28 more experts" in output
    for email in [content.ORGANISER_EMAIL, experts_shown[0], nominators_shown[0]]:
        assert client.login(email=email, password=content.DEMO_PASSWORD), email
        client.logout()


def test_printed_login_signs_in_through_the_login_page(client):
    output = seed()
    email = re.findall(r"nominator\s+(\S+@\S+)", output)[0]

    response = client.post(
        "/en/accounts/login/", {"login": email, "password": content.DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert response.wsgi_request.user.email == email


@pytest.fixture(scope="class")
def seeded_2026(django_db_setup, django_db_blocker):
    """`seed_demo --year 2026`, once for the class's tests, which only read what it builds; the
    other tests of the module each seed a database of their own (the class's rolls back when it
    ends)."""
    with seeded_once(django_db_blocker, "--year", "2026") as out:
        yield out


class TestWhatOneSeedBuilds:
    def test_builds_both_categories_with_quotas_and_criteria(self, seeded_2026):
        categories = Category.objects.filter(edition__year=2026).order_by("code")
        assert [(c.code, c.name_zh, c.name_en, c.winners_quota) for c in categories] == [
            ("cutting_edge", "前沿技术", "Cutting-edge Technologies", 8),
            ("innovative", "创新技术", "Innovative Technologies", 8),
        ]
        assert all(c.criteria_zh and c.criteria_en for c in categories)
        assert "5—10" in categories[0].criteria_zh
        assert "mass production" in categories[1].criteria_en

    def test_builds_the_eight_technical_directions_in_order(self, seeded_2026):
        directions = Direction.objects.filter(edition__year=2026).order_by("position")
        assert [d.name_zh for d in directions] == [
            "整车集成与控制",
            "动力电池",
            "燃料电池",
            "驱动系统",
            "智能化",
            "轻量化及新材料",
            "能源供给",
            "其他相关技术",
        ]
        assert all(d.name_en for d in directions)

    def test_calendar_has_every_stage_back_to_back_with_now_inside_collection(self, seeded_2026):
        edition = Edition.objects.get(year=2026)
        windows = list(StageWindow.objects.filter(edition=edition).order_by("opens_at"))
        assert [w.stage for w in windows] == STAGE_ORDER
        assert all(a.closes_at == b.opens_at for a, b in pairwise(windows))
        assert edition.current_stage().stage == Stage.COLLECTION
        collection = windows[0]
        assert (collection.closes_at - collection.opens_at).days >= 30

    def test_builds_31_experts_with_both_language_names_and_expertise(self, seeded_2026):
        experts = list(Expert.objects.filter(edition__year=2026).prefetch_related("directions"))
        assert len(experts) == 31
        assert all(
            e.name_zh and e.name_en and e.affiliation_zh and e.affiliation_en for e in experts
        )
        assert all(e.title_zh and e.title_en for e in experts)
        assert all(1 <= len(e.directions.all()) <= 3 for e in experts)
        assert {e.user.groups.get().name for e in experts} == {"expert"}
        # Chinese names come with pinyin; some experts are international.
        assert {"王建华", "Wang Jianhua"} <= {n for e in experts for n in (e.name_zh, e.name_en)}
        assert any(e.user.preferred_language == "en" for e in experts)

    def test_builds_nominating_organisations_with_one_nominator_each(self, seeded_2026):
        nominating = Organisation.objects.filter(members__isnull=False).distinct()
        assert 18 <= nominating.count() <= 22
        assert {o.kind for o in nominating} == {"enterprise", "university", "institute", "other"}
        assert all(o.name_zh and o.name_en and o.country and o.email_domain for o in nominating)
        assert [o.members.count() for o in nominating] == [1] * nominating.count()
        assert all(
            m.email.endswith("@" + o.email_domain) for o in nominating for m in o.members.all()
        )

    def test_experts_at_a_nominating_organisation_are_linked_to_it(self, seeded_2026):
        expert = Expert.objects.get(edition__year=2026, name_en="Huang Guoping")
        outside = Expert.objects.get(edition__year=2026, name_en="Yang Haitao")  # Jilin University

        assert expert.organisation.name_en == "Contemporary Amperex Technology Co., Limited"
        assert expert.user.email_domain == expert.organisation.email_domain
        assert outside.organisation is None

    def test_seeding_hashes_the_password_once_for_every_account(self, seeded_2026):
        # `make demo` runs it every time, and hashing is slow by design: one hash for all accounts
        # is what keeps the seed quick (a wall clock would measure the machine, not the code).

        hashes = set(User.objects.values_list("password", flat=True))
        assert len(hashes) == 1
        assert User.objects.first().check_password(content.DEMO_PASSWORD)
