"""An edition's options (its categories and technical directions), read with the edition in
one query for the new-nomination page (submissions/options.py), and the form's choice among
them: the same rows, in the same order, as reading them on their own, on PostgreSQL and on the
demo's SQLite; a choice from outside them is refused in the page's language."""

import pytest
from django.core.exceptions import ValidationError

from submissions.forms import NominationForm
from submissions.models import Nomination
from submissions.options import current_edition_to_nominate_in, edition_options
from submissions.rules import collection_open
from tests.django_subprocess import python_json, run
from tests.factories import CategoryFactory, DirectionFactory, EditionFactory

from .conftest import url
from .filled_form import form_data

pytestmark = pytest.mark.django_db


def _fields(rows) -> list[dict]:
    return [
        {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
        for row in rows
    ]


@pytest.fixture
def directions(edition):
    """Directions whose positions and codes order them differently from their keys."""
    edition.directions.filter(code="power-battery").update(position=3)
    DirectionFactory(edition=edition, code="fuel-cell", position=0, name_zh="燃料电池")
    DirectionFactory(edition=edition, code="chassis", position=5, name_en="Chassis, “drive”")
    DirectionFactory(edition=edition, code="a-charging", position=5)
    DirectionFactory(edition=EditionFactory(), code="elsewhere")


def test_the_options_come_with_the_edition_in_one_query_as_read_on_their_own(
    edition, directions, django_assert_num_queries
):
    with django_assert_num_queries(1):
        read = current_edition_to_nominate_in()
        options = edition_options(read)
        # The collection window came in the same query.
        assert collection_open(read)

    assert read == edition
    assert _fields(options.categories) == _fields(edition.categories.all())
    assert _fields(options.directions) == _fields(edition.directions.all())
    assert [d.code for d in options.directions] == [
        "fuel-cell",
        "power-battery",
        "a-charging",
        "chassis",
    ]
    # Rows as the database gives them: saving one updates it instead of adding another.
    options.directions[0].name_en = "Fuel cells"
    options.directions[0].save()
    assert edition.directions.get(code="fuel-cell").name_en == "Fuel cells"


def test_an_edition_without_directions_offers_none(db):
    edition = EditionFactory(is_current=True)
    CategoryFactory(edition=edition)

    options = edition_options(current_edition_to_nominate_in())

    assert [c.code for c in options.categories] == ["cutting_edge"]
    assert options.directions == []


def test_an_edition_read_alone_reads_its_options_on_first_use(edition, django_assert_num_queries):
    with django_assert_num_queries(2):
        first = edition_options(edition)
    with django_assert_num_queries(0):
        assert edition_options(edition) is first


@pytest.mark.timeout(240)
def test_the_demo_database_gives_the_same_options(tmp_path):
    """SQLite (the demo's) aggregates JSON with a function of its own."""
    database = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    migrated = run(
        ["manage.py", "migrate", "submissions", "--verbosity", "0"], DATABASE_URL=database
    )
    assert migrated.returncode == 0, migrated.stderr

    found = python_json(
        """
from submissions.models import Category, Direction, Edition
from submissions.options import current_edition_to_nominate_in, edition_options
edition = Edition.objects.create(year=2031, name_zh="届", name_en="Edition", is_current=True)
for code in ("innovative", "cutting_edge"):
    Category.objects.create(edition=edition, code=code, name_zh="类", name_en="Kind “A”")
for code, position in (("b", 2), ("a", 2), ("c", 1)):
    Direction.objects.create(
        edition=edition, code=code, name_zh="方向", name_en=code, position=position
    )
empty = Edition.objects.create(year=2032, name_zh="空", name_en="Empty")
options = edition_options(current_edition_to_nominate_in())
Edition.objects.filter(pk=edition.pk).update(is_current=False)
Edition.objects.filter(pk=empty.pk).update(is_current=True)
none = edition_options(current_edition_to_nominate_in())
rows = lambda items: [(i.pk, i.edition_id, i.code, i.name_en) for i in items]
print(json.dumps({
    "categories": rows(options.categories) == rows(edition.categories.all()),
    "directions": [d.code for d in options.directions],
    "same": rows(options.directions) == rows(edition.directions.all()),
    "empty": [rows(none.categories), rows(none.directions)],
}))
""",
        DATABASE_URL=database,
    )

    assert found == {
        "categories": True,
        "directions": ["c", "a", "b"],
        "same": True,
        "empty": [[], []],
    }


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Select a valid choice. That choice is not one of the available choices."),
        ("zh-hans", "请选择有效的选项：所选内容不在可选范围内。"),
    ],
)
def test_a_direction_of_another_edition_is_refused_with_the_input_kept(
    client, edition, nominator, language, message
):
    client.force_login(nominator)
    data = form_data(edition)
    data["direction"] = DirectionFactory(edition=EditionFactory()).pk

    response = client.post(url("submissions:nomination_create", language), data)

    assert response.status_code == 200
    assert response.context["form"].errors["direction"] == [message]
    assert message in response.content.decode()
    assert not Nomination.objects.exists()
    # What was typed is still in the form.
    assert data["title_en"] in response.content.decode()


def test_the_chosen_category_and_direction_are_the_nominations(client, edition, nominator):
    client.force_login(nominator)
    data = form_data(edition)
    DirectionFactory(edition=edition, code="chassis", position=5)
    data["category"] = edition.categories.get(code="innovative").pk
    data["direction"] = edition.directions.get(code="chassis").pk

    response = client.post(url("submissions:nomination_create"), data)

    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.category.code, nomination.direction.code) == ("innovative", "chassis")
    assert nomination.code.split("-")[1] == "IN"


def test_a_choice_is_one_of_the_options_whether_posted_as_a_key_or_given_as_a_row(edition):
    field = NominationForm(edition=edition).fields["direction"]
    (offered,) = edition_options(edition).directions
    elsewhere = DirectionFactory(edition=EditionFactory())

    assert field.clean(str(offered.pk)) is offered
    assert field.clean(offered) is offered
    assert field.clean("") is None  # a draft may leave the direction open
    for refused in (str(elsewhere.pk), elsewhere, "abc"):
        with pytest.raises(ValidationError) as error:
            field.clean(refused)
        assert error.value.code == "invalid_choice"
