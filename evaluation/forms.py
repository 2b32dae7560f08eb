"""Forms of evaluation: a one-tap rating with an optional comment, and the WHO-5."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import who5


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Tap a number from 1 (bad) to 5 (very good).")},
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(
        label=_("Send it without my name"),
        required=False,
    )


class CheckInForm(forms.Form):
    """The five WHO-5 statements, each with the six answers of the scale."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, item in enumerate(who5.ITEMS):
            self.fields[f"item{index}"] = forms.TypedChoiceField(
                label=item,
                choices=who5.SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer for each sentence.")},
            )

    @property
    def items(self) -> list[int]:
        return [self.cleaned_data[f"item{index}"] for index in range(len(who5.ITEMS))]
