"""Import applications from a CSV file, as the recruiter's import page does, for scripts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from feedback_portal.models import User
from integrations import importing, imports, reading
from integrations.models import ImportRow


class Command(BaseCommand):
    help = (
        "Import applications from a CSV file (the columns of the import page's template): prints what "
        "it would do and each row's errors, then applies it unless --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--recruiter",
            help="the e-mail of the recruiter the import is recorded as, and who owns rows without a "
            "recruiter e-mail (default: the first admin)",
        )
        parser.add_argument(
            "--create-clients", action="store_true", help="add clients the portal does not know"
        )
        parser.add_argument(
            "--invite", action="store_true", help="invite candidates turned down to ask for feedback"
        )
        parser.add_argument("--dry-run", action="store_true", help="print what would happen; save nothing")

    def handle(
        self, *args, file: str, recruiter: str | None, create_clients: bool, invite: bool, dry_run: bool, **_
    ):
        importer = self._importer(recruiter)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            parsed = importing.parse_upload(data=data)
        except reading.FileRefused as refusal:
            raise CommandError(str(refusal)) from None
        if dry_run:
            checked = imports.check_rows(parsed.rows, create_clients=create_clients)
            counts = {
                action: sum(row.action == action for row in checked) for action in ImportRow.Action.values
            }
            self._preview(counts, [(row.number, row.errors) for row in checked if row.errors])
            self.stdout.write("Dry run: nothing was saved.")
            return
        batch = importing.start_import(
            parsed=parsed,
            file_name=path.name,
            importer=importer,
            create_clients=create_clients,
            invite=invite,
        )
        counts = {
            "create": batch.to_create,
            "update": batch.to_update,
            "unchanged": batch.to_leave,
            "error": batch.errors,
        }
        self._preview(
            counts, batch.rows.filter(action=ImportRow.Action.ERROR).values_list("number", "errors")
        )
        importing.confirm_import(batch=batch, now=timezone.now())
        # Applied here, in this process, rather than by a worker: a script waits for the result.
        batch = importing.apply_import(batch_id=batch.pk, now=timezone.now())
        self.stdout.write(
            f"Imported: {batch.created} created, {batch.updated} updated, {batch.unchanged} unchanged, "
            f"{batch.failed} with errors."
        )

    def _importer(self, email: str | None) -> User:
        recruiters = User.objects.filter(role__in=[User.Role.RECRUITER, User.Role.ADMIN], is_active=True)
        if email:
            user = recruiters.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(f"No recruiter signs in as {email}.")
            return user
        user = recruiters.filter(role=User.Role.ADMIN).order_by("pk").first()
        if user is None:
            raise CommandError("No admin to record the import as: give --recruiter EMAIL.")
        return user

    def _preview(self, counts: dict, errors) -> None:
        self.stdout.write(
            f"To create: {counts['create']}, to update: {counts['update']}, "
            f"unchanged: {counts['unchanged']}, with errors: {counts['error']}"
        )
        for number, row_errors in errors:
            for error in row_errors:
                self.stdout.write(f"  row {number}, {error['column']}: {error['reason']}")
