"""Writes on the portal's own rows (the user), as keyword-only functions."""

from django.db import transaction

from .models import User


@transaction.atomic
def rename_user(*, user: User, name: str) -> None:
    """Change the name recruiters and e-mails address the user by."""
    user.name = name.strip()
    user.save(update_fields=["name"])
