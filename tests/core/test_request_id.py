import logging

import pytest

from core import request_id
from core.logging import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_response_carries_a_generated_request_id(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


def test_a_valid_incoming_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-42.abc")
    assert response["X-Request-ID"] == "edge-42.abc"


@pytest.mark.parametrize("bad", ["has space", "x" * 129, "new\nline", "<script>"])
def test_an_unsafe_incoming_request_id_is_replaced(client, bad):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


def test_log_records_carry_the_bound_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    token = request_id.bind("req-123")
    try:
        assert RequestIdFilter().filter(record) is True
    finally:
        request_id.reset(token)
    assert record.request_id == "req-123"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_log_lines_of_a_request_show_its_id(client):
    # django.request logs 4xx responses; the filter must stamp them with the id.
    handler = _Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/api/v1/me", HTTP_X_REQUEST_ID="trace-me-1")
    finally:
        logger.removeHandler(handler)
    assert handler.records
    assert all(r.request_id == "trace-me-1" for r in handler.records)
