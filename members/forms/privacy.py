"""Forms of the data-protection rights: asking to be forgotten, and deciding on it."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You do not have to give a reason."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone once it is carried out."),
        required=True,
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page holds the <form>: it posts elsewhere too
        self.helper.add_input(
            Submit("submit", submit_label or _("Ask to be forgotten"), css_class="btn-danger")
        )


class ErasureDecisionForm(forms.Form):
    APPROVE = "approve"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (APPROVE, _("Approve: anonymise the person now")),
            (REFUSE, _("Refuse: keep the data")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A refusal needs the reason, which the person reads. Do not write the person's name."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page holds the <form>: it posts elsewhere too
        self.helper.add_input(Submit("submit", _("Record the decision"), css_class="btn-nucleo"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Give the reason for the refusal: the person reads it."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE
