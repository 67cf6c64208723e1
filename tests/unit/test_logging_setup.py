from __future__ import annotations

import logging

import pytest

from app.logging_setup import RedactSecrets, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '"GET /?shop=a.myshopify.com&id_token=eyJ.x.y HTTP/1.1" 200',
            '"GET /?shop=a.myshopify.com&id_token=[redacted] HTTP/1.1" 200',
        ),
        (
            "/auth/callback?code=abc123&hmac=ff&shop=a",
            "/auth/callback?code=[redacted]&hmac=[redacted]&shop=a",
        ),
        ("/health", "/health"),
        ("barcode=123", "barcode=123"),
    ],
)
def test_tokens_and_codes_are_redacted_from_log_lines(line, expected):
    assert redact(line) == expected


def test_the_filter_redacts_formatted_arguments():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - "%s" %s',
        ("127.0.0.1", "GET /?id_token=secret", 200),
        None,
    )
    RedactSecrets().filter(record)
    assert record.getMessage() == '127.0.0.1 - "GET /?id_token=[redacted]" 200'
