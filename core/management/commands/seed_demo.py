from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import seeders


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent: run it as often as you like)."

    def handle(self, *args, **options) -> None:
        steps = list(seeders())
        for number, (label, seed) in enumerate(steps, start=1):
            self.stdout.write(f"[{number}/{len(steps)}] {label}")
            with transaction.atomic():
                seed(log=lambda line: self.stdout.write(f"    {line}"))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
