from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from search.rollups import rollup_terms_choose, rollups_exact, search_rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recount the search facet rollups from the index (document writes wait "
        "meanwhile); --words also re-chooses the words that have rollups."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--words", action="store_true", help="re-choose the rollup words first"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare the kept counts with a recount (exit 1 if they differ)",
        )

    def handle(self, *args, words: bool, check: bool, **options) -> None:
        started = time.monotonic()
        if check:
            if not rollups_exact():
                raise CommandError("The rollups differ from a recount.")
            self.stdout.write("The rollups equal a recount.")
            return
        if words:
            chosen = rollup_terms_choose()
            self.stdout.write(f"Words with rollups: {', '.join(chosen) or '-'}")
        else:
            rows = search_rollups_rebuild()
            self.stdout.write(f"{rows} rollup rows recounted.")
        self.stdout.write(f"({time.monotonic() - started:.1f} s)")
