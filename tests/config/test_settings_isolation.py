"""Settings modules built on base (dev, the bench smoke settings) copy what
they change: importing one in the test process once switched the tests'
database to a pool of eight connections, and a test racing fifty requests then
waited for connections that never came."""


def test_importing_dev_based_settings_leaves_the_test_database_alone():
    from django.conf import settings

    import config.settings.dev  # noqa: F401 - turns a pool on, for its own dict
    import tests.bench.smoke_settings  # noqa: F401 - built on config.settings.dev

    assert "pool" not in settings.DATABASES["default"].get("OPTIONS", {})
