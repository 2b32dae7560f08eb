"""Forms of support groups: the group itself, a notice to it, a facilitator's note."""

from __future__ import annotations

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms.helpers import inline_helper
from resources.models import Location

from ..models import SupportGroup
from .courses import DATETIME_WIDGET, facilitators_of


class GroupForm(forms.ModelForm):
    class Meta:
        model = SupportGroup
        fields = [
            "name",
            "theme",
            "description",
            "language",
            "location",
            "room",
            "open_to_requests",
            "facilitators",
            "frequency",
            "first_meeting_at",
            "duration_minutes",
            "until",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "facilitators": forms.CheckboxSelectMultiple,
            "first_meeting_at": DATETIME_WIDGET,
            "until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, association, can_choose_facilitators: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(
            organization__maintained_by=association
        ).order_by("name")
        if can_choose_facilitators:
            self.fields["facilitators"].queryset = facilitators_of(association)
            self.fields["facilitators"].required = False
        else:
            del self.fields["facilitators"]
        self.helper = inline_helper(
            Layout(
                "name",
                "theme",
                "description",
                "language",
                "location",
                "room",
                "open_to_requests",
                *(["facilitators"] if can_choose_facilitators else []),
                Row(
                    Column("frequency", css_class="col-12 col-sm-4"),
                    Column("first_meeting_at", css_class="col-12 col-sm-4"),
                    Column("duration_minutes", css_class="col-6 col-sm-2"),
                    Column("until", css_class="col-6 col-sm-2"),
                ),
            )
        )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        self.helper = inline_helper()
