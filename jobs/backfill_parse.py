"""The backfill's pure half: a bulk operation's JSONL, downloaded line by line, as chunks ready
to write, parsed in a process of its own on PostgreSQL.

A chunk is (what the writer needs, objects in it, index of the line after it). What the writer
needs is the chunk's records (SQLite, and the small resources), or on PostgreSQL for customers
and orders their rows already turned into COPY text (jobs/backfill_upserts.py `prepare_*`), so
that the writer's own Python work per row is a string join.

Why a process: the JSON, the GraphQL node -> record conversion and the COPY text cost more
Python time per order than everything the writer does, and two threads of one process share one
interpreter lock. In a child process the parse runs on one core while the writer and PostgreSQL
use the other. The child is forked from a forkserver (a clean single-threaded process; forking
the worker itself would copy its threads' locks) and does no database work. It stays at most
`QUEUE_DEPTH` chunks ahead (bounded memory), stops when its parent is gone, and sends an error
back to be raised in the parent. Order and checkpoints are unchanged: the parent writes the
chunks one after another, each with its checkpoint.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import pickle
import queue
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import forkserver
from typing import Any

import orjson

from app.shopify.bulk_operations import jsonl_lines
from jobs import backfill_upserts
from webhooks import graphql_records

Group = tuple[dict[str, Any], list[dict[str, Any]]]
Chunk = tuple[Any, int, int]

# resource -> JSONL group -> record
TO_RECORD: dict[str, Callable[[dict[str, Any], list[dict[str, Any]]], Any]] = {
    "customers": lambda root, kids: graphql_records.customer_from_graphql(root),
    "products": graphql_records.product_from_graphql,
    "orders": graphql_records.order_from_graphql,
    "checkouts": graphql_records.checkout_from_graphql,
}
# resource -> (records -> plain batch, on the parse process; write that batch, on the writer):
# PostgreSQL's prepared path, one table so the two halves cannot drift apart.
PREPARED: dict[str, tuple[Callable[[list[Any]], Any], Callable[[Any, int, Any], int]]] = {
    "customers": (backfill_upserts.prepare_customers, backfill_upserts.write_customers),
    "orders": (backfill_upserts.prepare_orders, backfill_upserts.write_orders),
}
QUEUE_DEPTH = 2
WAIT_SECONDS = 1.0
FINISH_SECONDS = 60.0


def _forget_inherited_forkserver() -> None:
    """In a process forked from one that had started the forkserver (an RQ work horse of such a
    worker, a test's forked worker), the inherited server pid is not this process's child, and
    CPython 3.11's ensure_running() fails on it with ChildProcessError in waitpid(). Forgetting it
    makes this process start a forkserver of its own (the inherited descriptor stays open, as
    the parent's server expects of every process that shares it)."""
    server = forkserver._forkserver
    server._forkserver_pid = server._forkserver_address = server._forkserver_alive_fd = None


os.register_at_fork(after_in_child=_forget_inherited_forkserver)


# How a child line of a grouped bulk result names its parent. A JSON string cannot hold an
# unescaped quote, so these bytes occur only as that key: a line can be classed as parent or
# child without being parsed (the parse of each line checks the class it was given).
PARENT_KEY = b'"__parentId":'


def raw_chunks(lines: Iterable[bytes], start_line: int, size: int) -> Iterator[tuple[int, list[list[bytes]]]]:
    """(index of the line after the chunk, its top-level objects as [parent line, child lines...])
    for each run of `size` objects from `start_line` on (always a parent boundary)."""
    chunk: list[list[bytes]] = []
    index = -1
    for index, raw in enumerate(lines):
        if index < start_line:
            continue
        if PARENT_KEY in raw:
            if not chunk:
                raise ValueError(f"line {index}: a child line with no parent above it")
            chunk[-1].append(raw)
            continue
        if len(chunk) == size:
            yield index, chunk
            chunk = []
        chunk.append([raw])
    if chunk:
        yield index + 1, chunk


def parsed_group(lines: list[bytes]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A top-level object's lines parsed: (parent, children directly below it)."""
    parent = orjson.loads(lines[0])
    if "__parentId" in parent:
        raise ValueError(f"a line classed as a parent names a parent: {lines[0][:200]!r}")
    kids = [orjson.loads(raw) for raw in lines[1:]]
    for kid in kids:
        if kid.get("__parentId") != parent.get("id"):
            raise ValueError(f"child of {kid.get('__parentId')} is not below its parent {parent.get('id')}")
    return parent, kids


def chunks(
    resource: str, url: str, start_line: int, size: int, prepared: bool, share: int = 0, shares: int = 1
) -> Iterator[Chunk]:
    """The operation's objects from `start_line` on, `size` per chunk; with `prepared`, as the
    PostgreSQL writer's batches where the resource has them. With `shares` > 1, only the chunks
    whose index leaves `share` modulo `shares`: several processes split one result."""
    to_record = TO_RECORD[resource]
    prepare = PREPARED[resource][0] if prepared and resource in PREPARED else None
    for index, (next_line, objects) in enumerate(raw_chunks(jsonl_lines(url), start_line, size)):
        if index % shares != share:
            continue
        batch = [to_record(*parsed_group(lines)) for lines in objects]
        yield (prepare(batch) if prepare else batch), len(batch), next_line


def chunks_from_children(
    resource: str, url: str, start_line: int, size: int, prepared: bool, processes: int = 2
) -> Iterator[Chunk]:
    """`chunks(...)`, computed in `processes` child processes (each downloads the result and
    parses every `processes`-th chunk) while the caller writes the chunks, in order."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    children = []
    for share in range(processes):
        results = context.Queue(maxsize=QUEUE_DEPTH)
        child = context.Process(
            target=_produce,
            args=(results, os.getpid(), resource, url, start_line, size, prepared, share, processes),
            name=f"backfill-parse-{resource}-{share}",
            daemon=True,
        )
        child.start()
        children.append((results, child))
    finished = False
    try:
        for index in itertools.count():
            kind, item = _next_message(*children[index % processes])
            if kind == "done":
                finished = True
                return
            if kind == "error":
                raise item
            yield item
    finally:
        for results, child in children:
            # After the last chunk the others only read the rest of the file: let them end
            # their downloads rather than cut the connection (stopped early: no waiting).
            child.join(timeout=FINISH_SECONDS if finished else 0)
            if child.is_alive():
                child.terminate()
                child.join(timeout=10)
            results.close()


def _next_message(results: Any, child: Any) -> tuple[str, Any]:
    while True:
        try:
            return results.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            if child.is_alive():
                continue
        try:  # it exited: whatever it sent last is in the pipe already
            return results.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise RuntimeError(
                f"the backfill's parse process exited ({child.exitcode}) without finishing"
            ) from None


def _produce(results: Any, parent_pid: int, *arguments: Any) -> None:
    """The child: every chunk, then ("done", None); or the error that stopped it."""
    try:
        with fewer_collections():
            for chunk in chunks(*arguments):
                _send(results, parent_pid, ("chunk", chunk))
        # Every child ends with "done": the parent reads it from the child whose turn comes
        # after the last chunk, and no other child has a chunk left then.
        _send(results, parent_pid, ("done", None))
    except Exception as exc:  # noqa: BLE001 - re-raised in the parent
        _send(results, parent_pid, ("error", _portable(exc)))
    finally:
        results.close()
        results.join_thread()


def _send(results: Any, parent_pid: int, message: tuple[str, Any]) -> None:
    while True:
        try:
            results.put(message, timeout=WAIT_SECONDS)
            return
        except queue.Full:
            if not _alive(parent_pid):  # the parent died (a killed worker): stop
                os._exit(1)


def _alive(pid: int) -> bool:
    """The child's own parent is the forkserver, so it asks after the writer by its pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextlib.contextmanager
def fewer_collections(young: int = 50_000) -> Iterator[None]:
    """Cyclic GC tuned for the parse and apply loops, restored afterwards. The loop allocates millions of
    short-lived dicts (JSON) and records that live for a chunk; none forms a cycle (refcounting
    frees them), yet with the default thresholds the collector ran every 700 allocations and a
    full collection (every object of the app) every few chunks: about a fifth of the loop's CPU.
    The objects alive before the loop (app, models, SQLAlchemy) are frozen out of collections;
    the young generation collects every `young` allocations."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(young, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _portable(exc: Exception) -> Exception:
    """The exception itself when it survives pickling (ValueError, PayloadError), else its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - e.g. httpx errors hold their request and response
        return RuntimeError(f"{type(exc).__name__}: {exc}")
