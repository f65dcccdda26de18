"""Query expressions the ORM lacks, written once for both databases the portal runs on
(PostgreSQL in production and the tests, SQLite in the local demo)."""

from django.db.models import Aggregate, JSONField


class JSONArrayAgg(Aggregate):
    """The values of a JSON expression over the rows, as one JSON array: PostgreSQL's
    JSONB_AGG, SQLite's JSON_GROUP_ARRAY (django.contrib.postgres has the first only). Over no
    rows PostgreSQL answers NULL and SQLite an empty array; the order of the items is not
    defined."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)
