"""The crispy helper of forms drawn inside a page's own ``<form>`` tag (every app's forms)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django.core.exceptions import ValidationError


def inline_helper(layout: Layout | None = None) -> FormHelper:
    """Fields only: the page writes the ``<form>`` tag and the CSRF token itself."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


def add_errors(form, error: ValidationError) -> None:
    """A service's ``ValidationError`` on the form: on its field when the form has one,
    above the form otherwise (a model field the form does not show)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
