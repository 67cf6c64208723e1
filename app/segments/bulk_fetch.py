"""Fetch an all-integer query straight into an int64 matrix, without a Python object per value.

PostgreSQL: COPY (query) TO STDOUT in binary, parsed with a numpy record dtype as it streams
(each row's message taken straight from libpq while it has one buffered).
SQLite: the driver cursor in chunks, each turned into an array at once. Both compile the query
with literal values (ids and short names that SQLAlchemy renders safely).
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import BigInteger, Select, cast
from sqlalchemy.orm import Session

CHUNK_ROWS = 200_000
_PARSE_BYTES = 4 << 20
_PGCOPY_HEADER = 19  # signature (11) + flags (4) + header extension length (4, always 0)
_PGCOPY_TRAILER = b"\xff\xff"  # int16 -1


def fetch_int_matrix(session: Session, statement: Select, width: int, bulk: bool = True) -> np.ndarray:
    """Rows of `statement` (all integers, no NULLs) as an (n, width) int64 array.

    `bulk=False` (a few customers): an ordinary execution, whose compiled form SQLAlchemy caches;
    compiling with literal values every time would cost more than the query."""
    statement = statement.with_only_columns(
        *[cast(column, BigInteger) for column in statement.selected_columns], maintain_column_froms=True
    )
    if not bulk:
        rows = session.execute(statement).all()
        return np.array(rows, dtype=np.int64).reshape(-1, width)
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    driver = session.connection().connection.driver_connection
    if dialect.name == "postgresql":
        return _copy_binary(driver, sql, width)
    return _fetch_chunks(driver, sql, width)


def fetch_rows(session: Session, statement: Select, bulk: bool = True) -> list[tuple]:
    """Rows of `statement` as the driver's tuples. `bulk=True` runs the literal SQL on the driver's
    cursor (no SQLAlchemy row or result processing per row: over a million customers that cost
    more than the query); otherwise an ordinary, cached execution."""
    if not bulk:
        return [tuple(row) for row in session.execute(statement)]
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _fetch_chunks(driver, sql: str, width: int) -> np.ndarray:
    cursor = driver.cursor()
    try:
        cursor.execute(sql)
        parts = []
        while rows := cursor.fetchmany(CHUNK_ROWS):
            parts.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    finally:
        cursor.close()
    return np.concatenate(parts) if parts else np.zeros((0, width), dtype=np.int64)


def _copy_binary(driver, sql: str, width: int) -> np.ndarray:
    # Each tuple: int16 field count, then per field int32 length (8) and a big-endian int64.
    fields = [("count", ">i2")]
    for index in range(width):
        fields += [(f"length{index}", ">i4"), (f"value{index}", ">i8")]
    record = np.dtype(fields)
    parts: list[np.ndarray] = []
    pending = bytearray()

    def parse_whole_records() -> None:
        whole = len(pending) // record.itemsize * record.itemsize
        if whole:
            parts.append(_values(np.frombuffer(bytes(pending[:whole]), dtype=record), width))
            del pending[:whole]

    with driver.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
        # The server sends one CopyData message per row. psycopg's copy.read() costs a generator
        # and a wait per message (12 s of the 10M-order load), so messages libpq already holds
        # are taken straight from it; copy.read() only waits when none is buffered. The binary
        # trailer (int16 -1) is the last message: copy.read() is left to see the end of the COPY
        # and fetch its result. Bytes are parsed a few MB at a time, not per row.
        take = driver.pgconn.get_copy_data
        header = b""
        while len(header) < _PGCOPY_HEADER:
            if not (chunk := copy.read()):
                raise ValueError("COPY ended before its binary header")
            header += bytes(chunk)
        first = header[_PGCOPY_HEADER:]  # the header travels with the first row (or the trailer)
        done = first == _PGCOPY_TRAILER
        pending += b"" if done else first
        while not done:
            size, data = take(1)
            if size == 0:  # nothing buffered: wait for the server
                data = copy.read()
                if not data:
                    break
            elif size < 0:  # not reached: the trailer comes first
                raise RuntimeError("COPY ended without its binary trailer")
            if len(data) == 2 and bytes(data) == _PGCOPY_TRAILER:
                break
            pending += data
            if len(pending) >= _PARSE_BYTES:
                parse_whole_records()
        while copy.read():  # the end of the COPY and its result, read by psycopg
            pass
        parse_whole_records()
    if pending:
        raise ValueError("COPY returned a partial row")
    if not parts:
        return np.zeros((0, width), dtype=np.int64)
    return np.concatenate(parts)


def _values(records: np.ndarray, width: int) -> np.ndarray:
    if np.any(records["count"] != width) or any(np.any(records[f"length{i}"] != 8) for i in range(width)):
        raise ValueError("COPY returned NULLs or non-bigint fields; the query must cast and coalesce")
    return np.stack([records[f"value{i}"].astype(np.int64) for i in range(width)], axis=1)
