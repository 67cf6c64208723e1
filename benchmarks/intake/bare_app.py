"""The baseline of benchmarks/intake_throughput.py: a Flask endpoint that only answers 200."""

from __future__ import annotations

from flask import Flask, Response

app = Flask(__name__)


@app.post("/webhooks/<path:rest>")
def receive(rest: str) -> Response:
    return Response(status=200)
