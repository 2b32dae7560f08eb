"""Forms of the on-duty roster and of the association's case settings."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import User

from ..models import CaseSettings

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )


class ShiftForm(forms.Form):
    """A shift on duty. Coordinators put any operator on duty; an operator only
    themselves, so for them the choice is fixed (and the service checks it again)."""

    operator = forms.ModelChoiceField(label=_("Operator"), queryset=User.objects.none())
    starts_at = _datetime_field(_("From"))
    ends_at = _datetime_field(_("Until"))

    def __init__(self, *args, operators, user: User, is_coordinator: bool, **kwargs):
        super().__init__(*args, prefix="shift", **kwargs)
        field = self.fields["operator"]
        if is_coordinator:
            field.queryset = operators
        else:
            field.queryset = operators.filter(pk=user.pk)
            field.initial = user.pk
            field.widget = forms.HiddenInput()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "operator",
            Row(
                Column("starts_at", css_class="col-12 col-sm-6"),
                Column("ends_at", css_class="col-12 col-sm-6"),
            ),
        )

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must come after the start."))
        return data


class CaseSettingsForm(forms.ModelForm):
    """Only validates: ``services.case_settings_save`` writes."""

    class Meta:
        model = CaseSettings
        fields = ["escalation_minutes", "follow_up_reminder_hours"]
        widgets = {
            "escalation_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "follow_up_reminder_hours": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
