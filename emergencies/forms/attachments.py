"""The form that adds a document or a photo to a case. What the file really is, and its
size, is checked by ``services.attachment_check`` when the service stores it."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ..models import ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES


def _accepted_help() -> str:
    return _(
        "PDF, Word or OpenDocument files and photos (JPEG, PNG, WebP, HEIC), up to %(max)s."
    ) % {"max": filesizeformat(MAX_ATTACHMENT_BYTES)}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Document or photo"),
        help_text=lazy(_accepted_help, str)(),
        widget=forms.FileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in ALLOWED_ATTACHMENT_TYPES)}
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. eviction notice, page 1")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="attachment", **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
