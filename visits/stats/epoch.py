"""A stored moment as whole milliseconds since the epoch, computed by the database.

Reading a timestamp column costs a datetime built per row (on PostgreSQL through Django's
time-zone loader, in Python); a report that reads tens of thousands of hits spends more on that
than on the query. An integer costs nothing to read, sorts the same way, and is what the
visit-forming code works in anyway. Both forms floor to the millisecond, as Python's
`(moment - epoch) // timedelta(milliseconds=1)` does; the tests compare them.
"""

from django.db.models import BigIntegerField, Func


class EpochMilliseconds(Func):
    arity = 1
    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # EXTRACT(EPOCH ...) is an exact numeric (microseconds included) since PostgreSQL 14.
        template = "floor(extract(epoch from %(expressions)s) * 1000)::bigint"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds from strftime, the
        # fraction's first three digits as they are (no float, so no rounding).
        column, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"(CAST(strftime('%%s', substr({column}, 1, 19)) AS INTEGER) * 1000"
            f" + CASE WHEN substr({column}, 20, 1) = '.'"
            f" THEN CAST(substr({column} || '000', 21, 3) AS INTEGER) ELSE 0 END)"
        )
        return sql, (*params, *params, *params, *params)
