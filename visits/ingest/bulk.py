"""Writing visits in bulk with one hand-written INSERT: the ORM's per-call query building is
most of a beacon's cost, and these rows arrive by the thousand."""

import json
from collections.abc import Mapping, Sequence

from django.db import InterfaceError, OperationalError, connections, router, transaction

from visits.models import ENGAGEMENT_FIELDS, RECORDED_FIELDS, REVENUE_FIELDS, Visit

# The order of the values in a visit row, everywhere: direct inserts and the spool alike.
COLUMNS = ("site_id", *RECORDED_FIELDS, *REVENUE_FIELDS, *ENGAGEMENT_FIELDS, "visitor_hash")
IMPORT_COLUMNS = (*COLUMNS, "import_key")  # imported visits also keep their source row's digest
MAX_ROWS_PER_STATEMENT = 500


# A visit on its way to the table: column -> value, properties as JSON text. The recorder
# makes one, the spool keeps it as it is, the insert reads its columns.
VisitRow = Mapping[str, object]


def visit_row(visit: Visit, columns: Sequence[str] = COLUMNS) -> dict[str, object]:
    """An unsaved visit (as importers make them) as a named row of `columns`."""
    row = {column: getattr(visit, column) for column in columns}
    row["props"] = props_json(visit.props)
    if row.get("revenue_amount") is not None:
        row["revenue_amount"] = str(row["revenue_amount"])
    return row


def props_json(props: dict) -> str:
    if not props:
        return "{}"  # most hits: no properties
    return json.dumps(props or {}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def visits_insert(named_rows: Sequence[VisitRow], columns: Sequence[str] = COLUMNS) -> None:
    """Insert visit rows (each holding every one of `columns`) in as few statements as possible."""
    rows = [tuple(row[column] for column in columns) for row in named_rows]
    alias = router.db_for_write(Visit)
    connection = connections[alias]
    if connection.vendor == "postgresql" and len(rows) > 1:
        # COPY adapts the values in C: a multi-row INSERT would spend the worker's GIL on it.
        with transaction.atomic(using=alias):
            copy_rows(connection, rows, columns)
        return
    for start in range(0, len(rows), MAX_ROWS_PER_STATEMENT):
        chunk = rows[start : start + MAX_ROWS_PER_STATEMENT]
        sql, params = _insert_statement(connection, chunk, columns)
        if connection.in_atomic_block:
            # A savepoint keeps a failure from poisoning the caller's transaction.
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute(sql, params)
        else:
            _execute_reconnecting(connection, sql, params)


def copy_rows(
    connection, rows: Sequence[tuple], columns: Sequence[str], *, table: str = ""
) -> None:
    """COPY rows into `table` (the visits' by default) on PostgreSQL."""
    quote = connection.ops.quote_name
    statement = "COPY {} ({}) FROM STDIN".format(
        quote(table or Visit._meta.db_table), ", ".join(quote(column) for column in columns)
    )
    # The driver's own cursor raises the driver's errors: make them Django's, as elsewhere.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _insert_statement(
    connection, rows: Sequence[tuple], columns: Sequence[str]
) -> tuple[str, list]:
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 (names from the model, values bound)
        quote(Visit._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join([placeholders] * len(rows)),
    )
    adapt = connection.ops.adapt_datetimefield_value
    at = columns.index("timestamp")
    params = []
    for row in rows:
        params.extend(row[:at])
        params.append(adapt(row[at]))
        params.extend(row[at + 1 :])
    return sql, params


def _execute_reconnecting(connection, sql: str, params: list) -> None:
    """One autocommitted statement. A persistent connection that died (the database restarted)
    is replaced and the statement tried once more, instead of a health check on every hit."""
    connection.health_check_done = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except (InterfaceError, OperationalError):
        if connection.connection is not None and connection.is_usable():
            raise
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def statistics_refresh(*, models: Sequence[type]) -> None:
    """After a bulk load, let PostgreSQL's planner know the tables' new size and contents.
    Where autovacuum is off or hasn't run yet, it would otherwise plan for the empty table it
    last saw: a report's semi-join over "one" row ran for twenty minutes on 500,000 visits."""
    connection = connections[router.db_for_write(Visit)]
    if connection.vendor != "postgresql":
        return  # SQLite's planner does well without statistics
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
