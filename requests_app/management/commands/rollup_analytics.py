"""`manage.py rollup_analytics [--all | --months N]`: recount the analytics page's monthly roll-up.

Beat keeps the recent months counted (requests_app/analytics.py); run this with --all on a new
installation, after loading requests in bulk, or after changing the agency's time zone.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app import analytics


class Command(BaseCommand):
    help = "Recount the analytics roll-up: the latest months (2 by default), or every month with --all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Recount every month since the first request.")
        parser.add_argument(
            "--months", type=int, default=analytics.RECENT_MONTHS, help="How many latest months."
        )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        if options["all"]:
            done = analytics.rollup_all(now=now)
        elif options["months"] < 1:
            raise CommandError("--months must be 1 or more.")
        else:
            done = analytics.rollup_recent(now=now, months=options["months"])
        self.stdout.write(f"Recounted {done} month{'s' if done != 1 else ''} of analytics.")
