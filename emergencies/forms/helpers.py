"""The crispy helper of forms drawn inside a page's own ``<form>`` tag."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout


def inline_helper(layout: Layout | None = None) -> FormHelper:
    """Fields only: the page writes the ``<form>`` tag and the CSRF token itself."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper
