"""An edition's options: the categories and technical directions a nomination chooses among.

The nomination form offers them and checks the choice against them. A page reads them with the
edition, in the same query (`with_options`, then `remember_options`), or `edition_options`
reads them on first use (two queries) and keeps them on the edition object for the request.
"""

from dataclasses import dataclass
from operator import attrgetter

from django.db.models import F, JSONField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from core.expressions import JSONArrayAgg

from .models import Category, Direction, Edition
from .rules import remember_collection_window, with_collection_window


@dataclass(frozen=True)
class EditionOptions:
    categories: list[Category]  # in the model's order (by code)
    directions: list[Direction]  # in the model's order (position, code)

    def category(self, code: str) -> Category | None:
        """The edition's category with this code (a preselected category), or None."""
        return next((category for category in self.categories if category.code == code), None)


def _rows(model: type[Model], edition: str) -> Subquery:
    """All of an edition's `model` rows, every column, as one JSON array."""
    columns = {field.attname: F(field.attname) for field in model._meta.concrete_fields}
    rows = (
        model._default_manager.filter(edition=OuterRef(edition))
        .order_by()
        .values("edition")
        .annotate(rows=JSONArrayAgg(JSONObject(**columns)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def with_options(queryset: QuerySet, edition: str = "pk") -> QuerySet:
    """The rows of `queryset` with their edition's options read in the same query (`edition`
    is the path to the edition: "pk" for editions themselves). Pass each fetched row's edition
    to `remember_options`."""
    return queryset.annotate(
        category_rows=_rows(Category, edition), direction_rows=_rows(Direction, edition)
    )


def _instances(model: type[Model], rows, db: str | None) -> list:
    """The rows as model instances, in the model's order (its Meta.ordering within the
    edition): a JSON array has no order of its own."""
    names = [field.attname for field in model._meta.concrete_fields]
    order = [str(name) for name in model._meta.ordering or () if name != "edition"]
    return sorted(
        (model.from_db(db, names, [row[name] for name in names]) for row in rows or ()),
        key=attrgetter(*order),
    )


def remember_options(edition: Edition, row) -> None:
    """Keeps the options a row fetched `with_options` carries on `edition`."""
    db = edition._state.db
    edition.__dict__["_options"] = EditionOptions(
        categories=_instances(Category, row.category_rows, db),
        directions=_instances(Direction, row.direction_rows, db),
    )


def edition_options(edition: Edition) -> EditionOptions:
    """The edition's options: as remembered, or read now (and remembered)."""
    if "_options" not in edition.__dict__:
        edition.__dict__["_options"] = EditionOptions(
            categories=list(edition.categories.all()), directions=list(edition.directions.all())
        )
    return edition.__dict__["_options"]


def current_edition_to_nominate_in() -> Edition | None:
    """The current edition with its collection window and its options, in one query: what the
    new-nomination page needs of it."""
    editions = with_options(with_collection_window(Edition.objects.filter(is_current=True), "pk"))
    edition = editions.first()
    if edition is not None:
        remember_collection_window(edition, edition)
        remember_options(edition, edition)
    return edition
