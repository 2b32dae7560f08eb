"""Documents and photos of a case: added, downloaded and removed by the association's
staff. The files live outside the public media path; this download view, which checks
who is asking and logs the read, is the only way to them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.decorators import role_required
from members.models import STAFF_ROLES

from .. import services
from ..forms.attachments import AttachmentForm
from ..models import Attachment, CaseAccess
from .cases import _staff_case_detail, case_get_for_user


def _attachment_for_user(request, pk: int) -> Attachment:
    """An attachment of one of the association's cases, reached through the case's own
    access check; another association's answers 404."""
    attachment = get_object_or_404(
        Attachment.objects.filter(case__association=request.association), pk=pk
    )
    attachment.case = case_get_for_user(request=request, pk=attachment.case_id)
    return attachment


def _case_attachments_url(case_id: int) -> str:
    return reverse("emergencies:case-detail", kwargs={"pk": case_id}) + "#attachments"


@require_POST
@role_required(*STAFF_ROLES)
def attachment_add_view(request, pk: int):
    case = case_get_for_user(request=request, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request, _("“%(name)s” added to the case.") % {"name": attachment.original_name}
            )
            return redirect(_case_attachments_url(case.pk))
    return _staff_case_detail(request, pk, forms={"attachment": form}, status=422)


@never_cache
@require_GET
@role_required(*STAFF_ROLES)
def attachment_download_view(request, pk: int):
    attachment = _attachment_for_user(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("The file is missing from the archive.")) from missing
    services.case_access_record(
        case=attachment.case, user=request.user, action=CaseAccess.Action.ATTACHMENT
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@require_POST
@role_required(*STAFF_ROLES)
def attachment_delete_view(request, pk: int):
    attachment = _attachment_for_user(request, pk)
    services.attachment_delete(attachment=attachment, by=request.user)
    messages.success(request, _("“%(name)s” removed.") % {"name": attachment.original_name})
    return redirect(_case_attachments_url(attachment.case_id))


urlpatterns = [
    path("cases/<int:pk>/attachments/", attachment_add_view, name="attachment-add"),
    path("attachments/<int:pk>/", attachment_download_view, name="attachment-download"),
    path("attachments/<int:pk>/delete/", attachment_delete_view, name="attachment-delete"),
]
