"""Applying the backfill's chunks on a second thread while the next chunk is parsed.

A chunk spends about half its time in PostgreSQL (COPY, the guarded upsert, index and foreign-key
maintenance, the commit) and half in Python (JSON, GraphQL node -> record -> row). psycopg
releases the GIL while it waits for the server, so parsing the next chunk on the calling thread
while a writer thread applies the previous one keeps both of the machine's cores busy.

Order and the checkpoint are unchanged: one writer applies the chunks one after another, each in
its own transaction with its checkpoint, so a crash leaves the checkpoint at the last committed
chunk exactly as the serial loop did. The queue holds at most `depth` parsed chunks (bounded
memory). A writer error stops the producer at its next hand-over and is re-raised on the calling
thread; a producer error (a bad line, a lost lock) stops the writer before its next chunk.

SQLite keeps the serial loop: its in-memory databases are per thread, and it has one writer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

_STOP = object()


class ChunkWriter:
    """`submit(chunk)` hands a chunk to `apply(chunk)` on a writer thread (in an app context)."""

    def __init__(self, app: Flask, apply: Callable[[Any], None], depth: int = 2) -> None:
        self._app = app
        self._apply = apply
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backfill-writer", daemon=True)

    def __enter__(self) -> ChunkWriter:
        self._thread.start()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self._cancelled.set()  # the producer failed: apply nothing more
        self._put(_STOP)
        self._thread.join()
        if exc_type is None:
            self._raise_error()

    def submit(self, chunk: Any) -> None:
        self._raise_error()
        self._put(chunk)

    def _put(self, item: Any) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        # The writer ended (it failed, or it was never started): nothing will take the item.

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        with self._app.app_context():
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                if self._cancelled.is_set() or self._error is not None:
                    continue
                try:
                    self._apply(item)
                except BaseException as exc:  # re-raised on the producer's thread
                    self._error = exc
                    return
