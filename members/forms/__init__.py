from allauth.account.forms import SignupForm
from allauth.core import context
from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ..adapters import INVITATION_SESSION_KEY
from ..models import Channel, Invitation, KindGroup, Language, Member, Role, User
from ..notification_kinds import CHOOSABLE_GROUPS, OPTIONAL_CHANNELS
from ..services import InvitationNotUsable, invitation_get_usable
from ..services.registry import REGISTRY_FIELDS
from ..sms import normalize_phone


class InvitationSignupForm(SignupForm):
    """allauth's sign-up, tied to the invitation in the session: the address is the one
    the association invited, and we ask for the name the registry needs."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = None
        request = context.request
        token = request.session.get(INVITATION_SESSION_KEY) if request else None
        if token:
            try:
                self.invitation = invitation_get_usable(token=token)
            except InvitationNotUsable:
                self.invitation = None
        if self.invitation is not None:
            self.initial.setdefault("email", self.invitation.email)
            self.fields["email"].widget.attrs["readonly"] = True

    def clean_email(self):
        email = super().clean_email()
        if self.invitation is not None and email.lower() != self.invitation.email.lower():
            raise forms.ValidationError(
                _("Use the address the invitation was sent to: %(email)s."),
                params={"email": self.invitation.email},
            )
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    member = forms.ModelChoiceField(
        label=_("Person in the registry"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("Optional: link the new account to someone already registered."),
    )

    def __init__(self, *args, association, allowed_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association
        self.fields["role"].choices = [(r.value, r.label) for r in allowed_roles]
        self.fields["member"].queryset = Member.objects.for_association(association).filter(
            user__isnull=True
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send invitation")))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (
            Invitation.objects.for_association(self.association)
            .usable()
            .filter(email=email)
            .exists()
        ):
            raise forms.ValidationError(
                _("This address already has a pending invitation to your association.")
            )
        return email


#: What each group of notifications is about, shown under its checkboxes.
GROUP_HELP = {
    KindGroup.REMINDERS: _(
        "Sessions you enrolled in, documents about to expire, your plan's review."
    ),
    KindGroup.CASE_ALERTS: _("For operators: urgent cases and follow-ups that are due."),
    KindGroup.NETWORK_OFFERS: _("For volunteers: requests for help that match what you offered."),
    KindGroup.COMMUNITY_ALERTS: _("Safety alerts for your area, asking whether you are safe."),
}


class NotificationPreferencesForm(forms.Form):
    """Where each group of notifications reaches the person besides the inbox, when they
    do not want to be disturbed, in which language, and the phone for text messages.

    One checkbox field per choosable group (named after the group), listing the optional
    channels; ``channels_by_group()`` gives the service what was ticked."""

    quiet_hours_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    language = forms.ChoiceField(label=_("Language of messages and pages"))
    phone = forms.CharField(
        label=_("Mobile phone for text messages"),
        required=False,
        max_length=32,
        help_text=_("With the country code, e.g. +39 333 123 4567."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, user: User, channels_by_group: dict[str, set[str]], **kwargs):
        kwargs.setdefault(
            "initial",
            {
                **{group: sorted(chosen) for group, chosen in channels_by_group.items()},
                "quiet_hours_start": user.quiet_hours_start,
                "quiet_hours_end": user.quiet_hours_end,
                "language": user.language,
                "phone": user.phone,
            },
        )
        super().__init__(*args, **kwargs)
        channel_choices = [
            (channel.value, capfirst(channel.label)) for channel in OPTIONAL_CHANNELS
        ]
        for group in CHOOSABLE_GROUPS:
            self.fields[group.value] = forms.MultipleChoiceField(
                label=group.label,
                choices=channel_choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=GROUP_HELP.get(group, ""),
            )
        # Each language in its own name: whoever cannot read the current one finds theirs.
        self.fields["language"].choices = [
            (code, capfirst(get_language_info(code)["name_local"]))
            for code, _name in settings.LANGUAGES
        ]
        self.helper = FormHelper()
        self.helper.form_class = "notification-preferences"
        self.helper.layout = Layout(
            Fieldset(
                _("Where messages reach you"),
                HTML(
                    format_html(
                        '<p class="form-text mt-0">{}</p>',
                        _(
                            "Every message always appears in your Nucleo inbox (the bell at "
                            "the top of the page). Choose where else it should reach you."
                        ),
                    )
                ),
                *[InlineCheckboxes(group.value) for group in CHOOSABLE_GROUPS],
            ),
            Fieldset(
                _("Quiet hours"),
                HTML(
                    format_html(
                        '<p class="form-text mt-0">{}</p>',
                        _(
                            "No email or text message reaches you between these times "
                            "(Italian time). Messages wait until quiet hours end: they are "
                            "not lost. Urgent alerts ignore quiet hours. Leave both empty "
                            "to receive messages at any time."
                        ),
                    )
                ),
                Row(
                    Column("quiet_hours_start", css_class="col-6"),
                    Column("quiet_hours_end", css_class="col-6"),
                ),
            ),
            Fieldset(_("Language and phone"), "language", "phone"),
            Submit("save", _("Save preferences"), css_class="btn-nucleo"),
        )

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a mobile number with digits only, e.g. +39 333 123 4567."),
                code="invalid",
            ) from None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
        if not (self.has_error("quiet_hours_start") or self.has_error("quiet_hours_end")):
            if start is not None and end is None:
                self.add_error(
                    "quiet_hours_end", _("Say when quiet hours end, or leave both times empty.")
                )
            elif end is not None and start is None:
                self.add_error(
                    "quiet_hours_start", _("Say when quiet hours start, or leave both times empty.")
                )
            elif start is not None and start == end:
                self.add_error(
                    "quiet_hours_end", _("Quiet hours must end at another time than they start.")
                )
        wants_sms = any(Channel.SMS.value in cleaned.get(g.value, []) for g in CHOOSABLE_GROUPS)
        if wants_sms and not self.has_error("phone") and not cleaned.get("phone"):
            self.add_error(
                "phone",
                _("Text messages need a mobile number: add yours, or untick text messages."),
            )
        return cleaned

    def channels_by_group(self) -> dict[str, set[str]]:
        return {group.value: set(self.cleaned_data[group.value]) for group in CHOOSABLE_GROUPS}


def phone_cleaned(raw: str) -> str:
    """A registry phone as typed → E.164, or the form error people understand."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except ValueError:
        raise forms.ValidationError(
            _("Enter a phone number with digits only, e.g. +39 333 123 4567."),
            code="invalid",
        ) from None


class MemberForm(forms.ModelForm):
    """A registry entry as an operator writes it. The phone is normalised here; the
    service looks for duplicates, and when it finds some the view calls
    ``offer_duplicates`` so the operator can say it is a different person."""

    different_person = forms.BooleanField(
        label=_("It is a different person"),
        required=False,
        help_text=_("Tick this only if you checked that nobody above is this person."),
    )

    class Meta:
        model = Member
        fields = [*REGISTRY_FIELDS, "languages"]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "phone": forms.TextInput(
                attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}
            ),
            "year_of_birth": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "household_size": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "operator_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"phone": _("With the country code if it is not Italian, e.g. +33 …")}

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates: list[Member] = []
        languages = Language.objects.all()
        self.fields["preferred_language"].queryset = languages
        self.fields["languages"].queryset = languages
        self.helper = FormHelper()
        self.helper.form_class = "member-form"
        self.helper.layout = Layout(
            Row(
                Column("first_name", css_class="col-12 col-md-6"),
                Column("last_name", css_class="col-12 col-md-6"),
            ),
            Row(
                Column("year_of_birth", css_class="col-6"),
                Column("household_size", css_class="col-6"),
            ),
            Row(
                Column("phone", css_class="col-12 col-md-6"),
                Column("email", css_class="col-12 col-md-6"),
            ),
            Row(
                Column("municipality", css_class="col-12 col-md-6"),
                Column("zone", css_class="col-12 col-md-6"),
            ),
            "preferred_language",
            InlineCheckboxes("languages"),
            "operator_notes",
            Submit("save", submit_label, css_class="btn-nucleo"),
        )
        if self.data.get("different_person"):
            self._ask_different_person()

    def _ask_different_person(self) -> None:
        if "different_person" not in self.helper.layout.fields:
            self.helper.layout.insert(len(self.helper.layout) - 1, "different_person")

    def clean_phone(self) -> str:
        return phone_cleaned(self.cleaned_data["phone"])

    def offer_duplicates(self, candidates: list[Member]) -> None:
        """Show the possible duplicates' question: the entry is saved only once the
        operator ticks "It is a different person"."""
        self.duplicates = candidates
        self._ask_different_person()
        self.add_error(
            "different_person",
            _("Check the people above: if none of them is this person, tick this box."),
        )

    def registry_fields(self) -> dict:
        """What the service takes: the registry fields and the languages spoken."""
        data = {name: self.cleaned_data[name] for name in REGISTRY_FIELDS}
        return {
            **data,
            "languages": list(self.cleaned_data["languages"]),
            "confirmed_different": self.cleaned_data["different_person"],
        }
