from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from search.indexer import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the profile search index from the live profiles."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
            self.stdout.flush()

        count = search_index_rebuild(batch_size=batch_size, progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write(f"\n{count} profiles searchable ({elapsed:.1f} s).")
