"""Who may open an import: one helper, fetching it and checking the role together; 404 for anyone else."""

from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import ImportBatch


def import_for_recruiter(request: HttpRequest, batch_uuid: UUID, *, to_change: bool = False) -> ImportBatch:
    """An import any recruiter may read (the agency's record); only who ran it, or an admin, may
    confirm or cancel it (`to_change`)."""
    user = request.user
    if not user.is_recruiter:
        raise Http404
    batch = get_object_or_404(ImportBatch.objects.select_related("created_by"), uuid=batch_uuid)
    if to_change and batch.created_by_id != user.pk and user.role != user.Role.ADMIN:
        raise Http404
    return batch
