"""Writing rollup rows by the hundred thousand: COPY on PostgreSQL, one prepared INSERT run over
every row elsewhere. The ORM's `bulk_create` builds and compiles an object per row, which was
most of the time a month of filtered rollups took to build."""

from collections.abc import Iterable, Mapping, Sequence

from django.db import connections, models, router

from visits.ingest.bulk import copy_rows

BATCH = 5000


def rollup_rows_insert(*, model: type[models.Model], rows: Iterable[Mapping[str, object]]) -> int:
    """Insert rows (column -> value, every column but the key) into `model`'s table."""
    columns = [field.column for field in model._meta.concrete_fields if not field.primary_key]
    return rollup_values_insert(
        model=model,
        columns=columns,
        values=[tuple(row[column] for column in columns) for row in rows],
    )


def rollup_values_insert(
    *, model: type[models.Model], columns: Sequence[str], values: Sequence[tuple]
) -> int:
    """Insert rows given as tuples of `columns` into `model`'s table (the other columns take
    their database defaults)."""
    if not values:
        return 0
    connection = connections[router.db_for_write(model)]
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        copy_rows(connection, values, columns, table=table)
        return len(values)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start : start + BATCH])
    return len(values)
