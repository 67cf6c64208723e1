"""Fetch an all-integer query straight into an int64 matrix, without a Python object per value.

PostgreSQL: COPY (query) TO STDOUT in binary, parsed with a numpy record dtype as it streams.
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
    header_seen = False

    def parse_whole_records() -> None:
        nonlocal pending
        whole = len(pending) // record.itemsize * record.itemsize
        if whole:
            parts.append(_values(np.frombuffer(bytes(pending[:whole]), dtype=record), width))
            del pending[:whole]

    with driver.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
        # The server sends one CopyData message per row: parsing each on arrival cost numpy's
        # per-call overhead ten million times; bytes are gathered and parsed a few MB at a time.
        for chunk in copy:
            pending += chunk
            if not header_seen:
                if len(pending) < _PGCOPY_HEADER:
                    continue
                del pending[:_PGCOPY_HEADER]
                header_seen = True
            if len(pending) >= _PARSE_BYTES:
                parse_whole_records()
        parse_whole_records()
    # What is left is the trailer (int16 -1).
    if not parts:
        return np.zeros((0, width), dtype=np.int64)
    return np.concatenate(parts)


def _values(records: np.ndarray, width: int) -> np.ndarray:
    if np.any(records["count"] != width) or any(np.any(records[f"length{i}"] != 8) for i in range(width)):
        raise ValueError("COPY returned NULLs or non-bigint fields; the query must cast and coalesce")
    return np.stack([records[f"value{i}"].astype(np.int64) for i in range(width)], axis=1)
