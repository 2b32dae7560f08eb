"""Forms of courses and sessions (a session, or a weekly series in one go)."""

from __future__ import annotations

from datetime import timedelta

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms.helpers import inline_helper
from members.models import Language, Membership, Role, Skill, User
from resources.models import Location

from ..models import Course

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def facilitators_of(association):
    return User.objects.filter(
        pk__in=Membership.objects.filter(association=association)
        .with_role(Role.FACILITATOR, Role.COORDINATOR)
        .values("user_id")
    ).order_by("first_name", "last_name")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "topic",
            "description",
            "audience",
            "skills",
            "languages",
            "facilitators",
            "completion_percent",
            "cancel_hours",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "skills": forms.CheckboxSelectMultiple,
            "languages": forms.SelectMultiple(attrs={"size": 6}),
            "facilitators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, association, can_choose_facilitators: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        self.fields["skills"].queryset = Skill.objects.filter(
            association=association, is_active=True
        )
        self.fields["skills"].required = False
        self.fields["languages"].queryset = Language.objects.all()
        self.fields["languages"].required = False
        if can_choose_facilitators:
            self.fields["facilitators"].queryset = facilitators_of(association)
            self.fields["facilitators"].required = False
            self.fields["facilitators"].help_text = _("Empty: you run it.")
        else:
            del self.fields["facilitators"]


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=8 * 60, initial=120
    )
    capacity = forms.IntegerField(
        label=_("Places available"), min_value=1, max_value=500, initial=15
    )
    location = forms.ModelChoiceField(
        label=_("Place of the resource map"),
        queryset=Location.objects.none(),
        required=False,
    )
    room = forms.CharField(label=_("Room or address"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    weeks = forms.IntegerField(
        label=_("Every week, how many times"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("1 for a single session; 8 makes eight weekly sessions at the same time."),
    )

    def __init__(self, *args, association, series: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(
            organization__maintained_by=association
        ).order_by("name")
        if not series:
            del self.fields["weeks"]
        self.helper = inline_helper(
            Layout(
                Row(
                    Column("starts_at", css_class="col-12 col-sm-6"),
                    Column("duration_minutes", css_class="col-6 col-sm-3"),
                    Column("capacity", css_class="col-6 col-sm-3"),
                ),
                "location",
                "room",
                "online_url",
                *(["weeks"] if series else []),
            )
        )

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at < timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return starts_at

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("location") or cleaned.get("room") or cleaned.get("online_url")):
            raise forms.ValidationError(
                _("Say where: a place of the map, a room or address, or an online link.")
            )
        return cleaned

    @property
    def ends_at(self):
        return self.cleaned_data["starts_at"] + timedelta(
            minutes=self.cleaned_data["duration_minutes"]
        )
