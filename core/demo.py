"""Demo data discovery: each app may have a ``demo.py`` with ``seed(*, log)``.

``seed_demo`` runs them in INSTALLED_APPS order, which follows the dependency
direction, so core never imports a higher app by name (like admin autodiscovery)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

Seeder = Callable[..., None]


def seeders() -> Iterator[tuple[str, Seeder]]:
    for app_config in apps.get_app_configs():
        if app_config.name.startswith(("django.", "wagtail", "allauth", "rest_")):
            continue
        if module_has_submodule(app_config.module, "demo"):
            module = import_module(f"{app_config.name}.demo")
            if hasattr(module, "seed"):
                yield app_config.label, module.seed


def demo_logins() -> list[tuple[str, str, str]]:
    """(label, email, password) rows that apps' demo modules publish through an
    optional ``logins()``, for the rundemo banner."""
    rows: list[tuple[str, str, str]] = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith(("django.", "wagtail", "allauth", "rest_")):
            continue
        if module_has_submodule(app_config.module, "demo"):
            module = import_module(f"{app_config.name}.demo")
            if hasattr(module, "logins"):
                rows.extend(module.logins())
    return rows
