from __future__ import annotations


def assert_error_shape(response, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    """Every failure answers ``{"error": {"code", "message", "fields"}}``."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]
