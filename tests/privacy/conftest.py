# The browser fixtures of tests/e2e, for this app's browser test kept beside
# the rest of its tests.
from tests.e2e.conftest import (  # noqa: F401 - fixtures
    browser,
    console_errors,
    new_page,
    policy_violations,
    viewport,
)
