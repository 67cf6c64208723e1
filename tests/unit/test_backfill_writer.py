"""The backfill's writer thread (jobs/backfill_writer.py): chunks applied in order on another
thread inside an app context; its error reaches the producer; a producer error applies nothing
more."""

from __future__ import annotations

import threading

import pytest
from flask import Flask, current_app

from jobs.backfill_writer import ChunkWriter


def test_chunks_are_applied_in_order_on_another_thread_with_the_app() -> None:
    app = Flask("writer-test")
    seen: list[tuple[int, str, bool]] = []

    def apply(chunk: int) -> None:
        seen.append((chunk, current_app.name, threading.current_thread() is threading.main_thread()))

    with ChunkWriter(app, apply) as writer:
        for chunk in range(50):
            writer.submit(chunk)
    assert seen == [(chunk, "writer-test", False) for chunk in range(50)]


def test_a_writer_error_reaches_the_producer_and_stops_it() -> None:
    applied: list[int] = []

    def apply(chunk: int) -> None:
        if chunk == 3:
            raise RuntimeError("chunk 3 refused")
        applied.append(chunk)

    submitted = []
    with pytest.raises(RuntimeError, match="chunk 3 refused"):
        with ChunkWriter(Flask("writer-test"), apply, depth=1) as writer:
            for chunk in range(1000):
                writer.submit(chunk)
                submitted.append(chunk)
    assert applied == [0, 1, 2]
    assert len(submitted) < 1000  # the producer stopped at a hand-over, not at the end


def test_a_producer_error_applies_no_queued_chunk() -> None:
    started, release = threading.Event(), threading.Event()
    applied: list[int] = []

    def apply(chunk: int) -> None:
        started.set()
        release.wait(5)
        applied.append(chunk)

    with pytest.raises(ValueError, match="bad line"):
        with ChunkWriter(Flask("writer-test"), apply, depth=2) as writer:
            writer.submit(0)
            started.wait(5)  # chunk 0 is being applied
            writer.submit(1)
            writer.submit(2)
            # Chunk 0 finishes after the producer failed (and the writer was told to stop).
            threading.Timer(0.2, release.set).start()
            raise ValueError("bad line")
    assert applied == [0]
