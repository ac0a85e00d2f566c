"""The snapshot writer on PostgreSQL: rows through ``COPY … FROM STDIN`` (psycopg 3).

Chosen by :func:`geo.snapshot_writer.open_snapshot` when the engine is
``postgresql+psycopg``. The statements (replace the period, drop rows, the counts) are the
shared ones of :mod:`geo.snapshot_writer`; only the bulk rows differ: each household part is
turned into an Arrow table (:func:`geo.snapshot_writer.arrow_households`, the same the SQLite
ADBC writer sends), written as CSV by Arrow in C and streamed into ``COPY``. A bound INSERT per
row costs PostgreSQL a round of parsing and Python a tuple per row; COPY takes the rows as one
stream in the same transaction.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from geo import store
from geo.snapshot_writer import PeriodBusy, _SqlAlchemyWriter, arrow_households

COPY_ROWS = 100_000  # rows per CSV buffer handed to COPY


def copy_arrow(conn, table_name: str, table) -> None:  # noqa: ANN001
    """``COPY table_name (columns) FROM STDIN`` of an Arrow table, on SQLAlchemy's ``conn``.

    Arrow's CSV writer quotes every string and leaves nulls unquoted and empty, which is what
    PostgreSQL's CSV format reads as NULL (and ``""`` as an empty string)."""
    import pyarrow.csv as pacsv

    columns = ", ".join(f'"{name}"' for name in table.column_names)
    import psycopg
    from sqlalchemy.exc import DBAPIError

    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    statement = f'COPY "{table_name}" ({columns}) FROM STDIN (FORMAT csv)'
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for start in range(0, table.num_rows, COPY_ROWS):
                buffer = io.BytesIO()
                pacsv.write_csv(table.slice(start, COPY_ROWS), buffer, options)
                copy.write(buffer.getbuffer())
    except psycopg.Error as err:  # as SQLAlchemy's own statements raise it (IntegrityError…)
        raise DBAPIError.instance(statement, None, err, psycopg.Error) from err
    finally:
        cursor.close()


class PostgresWriter(_SqlAlchemyWriter):
    """:class:`geo.snapshot_writer._SqlAlchemyWriter` with household and quarantine rows
    through COPY, and one import of a period at a time."""

    def _begin(self, period: str, source_file: str, is_demo: bool) -> None:
        """Take the period's lock (held until commit or rollback) before replacing it: a
        second import of the same period, from another officer or process, stops at once
        with :class:`PeriodBusy` instead of waiting on the unique period and ending in an
        IntegrityError once the first commits."""
        from sqlalchemy import text

        taken = self.conn.execute(text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"),
                                  {"key": f"peta-snapshot:{period}"}).scalar()
        if not taken:
            raise PeriodBusy(period)
        super()._begin(period, source_file, is_demo)

    def add(self, part: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        table = arrow_households(part, self.snapshot_id)
        if rows is not None:
            table = table.filter(np.asarray(rows, dtype=bool))
        if table.num_rows:
            copy_arrow(self.conn, store.households.name, table)

    def _insert_many(self, table: Any, rows: list[dict]) -> None:  # noqa: ANN401
        import pyarrow as pa

        if rows:
            copy_arrow(self.conn, table.name, pa.Table.from_pylist(rows))
