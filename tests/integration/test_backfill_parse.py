"""The backfill's parse processes (jobs/backfill_parse.py): a bulk result served over HTTP, split
between child processes, comes back chunk for chunk as the in-process parse reads it, and a bad
line stops the parent with the child's error at the chunk where it happened."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from jobs.backfill_parse import chunks, chunks_from_children, raw_chunks


def order_lines(count: int) -> list[dict]:
    lines: list[dict] = []
    for index in range(count):
        order_id = f"gid://shopify/Order/{1000 + index}"
        lines.append(
            {
                "id": order_id,
                "name": f"#{index}",
                "updatedAt": "2026-01-02T03:04:05Z",
                "customer": {"id": f"gid://shopify/Customer/{index % 7 + 1}"},
                # A value that spells the child key: JSON escapes its quotes, so it stays a parent.
                "customAttributes": [{"key": "note", "value": '"__parentId":"gid://shopify/Order/1"'}],
                "totalPriceSet": {"shopMoney": {"amount": f"{index}.50"}},
            }
        )
        for line in range(index % 3):
            lines.append(
                {
                    "id": f"gid://shopify/LineItem/{index * 10 + line}",
                    "quantity": 1,
                    "title": f"Item {line}\twith a tab",
                    "originalUnitPriceSet": {"shopMoney": {"amount": "2.00"}},
                    "__parentId": order_id,
                }
            )
    return lines


@pytest.fixture
def served(tmp_path: Path) -> Iterator[callable]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(name: str, lines: list[dict | str]) -> str:
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
        (tmp_path / name).write_text(text)
        return f"http://127.0.0.1:{server.server_port}/{name}"

    yield serve
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_children_return_the_chunks_of_the_in_process_parse_in_order(served, processes):
    url = served("orders.jsonl", order_lines(47))
    expected = list(chunks("orders", url, 0, 5, True))
    got = list(chunks_from_children("orders", url, 0, 5, True, processes))
    assert [count for _, count, _ in got] == [5] * 9 + [2]
    assert got == expected
    # Every line item stayed with its order; the tab in a title is escaped in the COPY text.
    lines = [line for batch, _, _ in got for order_lines_text in batch.lines for line in order_lines_text]
    assert len(lines) == sum(index % 3 for index in range(47))
    assert all(len(line.split("\t")) == 8 and "\\twith a tab" in line for line in lines)


def test_a_resume_starts_at_its_checkpoint_line(served):
    lines = order_lines(20)
    url = served("orders.jsonl", lines)
    whole = list(chunks("orders", url, 0, 4, True))
    _, _, after_two = whole[1]
    resumed = list(chunks_from_children("orders", url, after_two, 4, True, 2))
    assert resumed == whole[2:]


def test_a_bad_line_stops_the_parent_with_the_error_after_the_chunks_before_it(served):
    lines: list[dict | str] = list(order_lines(12))
    parents = [index for index, line in enumerate(lines) if "__parentId" not in line]
    lines.insert(parents[9], "{not json")  # in the third chunk of four objects
    url = served("broken.jsonl", lines)
    stream = chunks_from_children("orders", url, 0, 4, True, 2)
    assert next(stream)[1] == 4
    assert next(stream)[1] == 4
    with pytest.raises(ValueError):
        next(stream)


def test_a_child_line_above_any_parent_is_refused():
    child = json.dumps({"id": "gid://shopify/LineItem/1", "__parentId": "gid://shopify/Order/1"}).encode()
    with pytest.raises(ValueError, match="no parent"):
        list(raw_chunks([child], 0, 10))
