"""Forms of campaigns, their actions, and the materials library. A material's file is
checked by its bytes here, so the page answers before anything is stored; the service
checks it again."""

from __future__ import annotations

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from members.forms.helpers import inline_helper
from members.models import Language

from ..models import (
    Campaign,
    CampaignAction,
    Course,
    Material,
    MaterialFile,
    Session,
    SupportGroup,
)
from ..models.campaigns import MATERIAL_FILE_TYPES, MAX_MATERIAL_BYTES
from ..services.campaigns import material_file_check

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _accepted_help() -> str:
    return _("PDF, images (JPEG, PNG, WebP), OpenDocument or Word files, up to %(max)s.") % {
        "max": filesizeformat(MAX_MATERIAL_BYTES)
    }


def _file_field() -> forms.FileField:
    return forms.FileField(
        label=_("File"),
        help_text=lazy(_accepted_help, str)(),
        widget=forms.FileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in MATERIAL_FILE_TYPES)}
        ),
    )


def _language_field(initial: str | None = None) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Language of this version"),
        queryset=Language.objects.all(),
        initial=initial,
    )


# --- Campaigns --------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "kind",
            "title",
            "goal",
            "starts_on",
            "ends_on",
            "audience",
            "languages",
            "channels",
            "materials",
        ]
        labels = {"languages": _("languages"), "materials": _("materials it uses")}
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "languages": forms.SelectMultiple(attrs={"size": 6}),
            "materials": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].queryset = Language.objects.all()
        self.fields["materials"].queryset = Material.objects.for_association(association)
        self.helper = inline_helper(
            Layout(
                "kind",
                "title",
                "goal",
                Row(Column("starts_on", css_class="col-6"), Column("ends_on", css_class="col-6")),
                "audience",
                "languages",
                "channels",
                "materials",
            )
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            # Said in words here; the model's constraint then skips the field in error.
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return cleaned

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class CampaignActionForm(forms.ModelForm):
    class Meta:
        model = CampaignAction
        fields = [
            "kind",
            "title",
            "happened_on",
            "session",
            "outcome",
            "people_reached",
            "signatures",
        ]
        widgets = {
            "happened_on": DATE_WIDGET,
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "session": _("If the event was one of our sessions, choose it."),
            "people_reached": _("How many people the action reached, as best you know."),
            "signatures": _("For a petition: how many signatures were collected."),
        }

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        # The association's sessions during the campaign: an event of the campaign
        # happens while it runs.
        self.fields["session"].queryset = (
            Session.objects.of_association(campaign.association_id)
            .filter(starts_at__date__gte=campaign.starts_on, starts_at__date__lte=campaign.ends_on)
            .select_related("course")
            .order_by("starts_at")
        )
        self.fields["happened_on"].initial = min(timezone.localdate(), campaign.ends_on)
        self.helper = inline_helper(
            Layout(
                Row(
                    Column("kind", css_class="col-12 col-sm-6"),
                    Column("happened_on", css_class="col-12 col-sm-6"),
                ),
                "title",
                "session",
                "outcome",
                Row(
                    Column("people_reached", css_class="col-6"),
                    Column("signatures", css_class="col-6"),
                ),
            )
        )

    def clean(self):
        cleaned = super().clean()
        session = cleaned.get("session")
        if session is None:
            return cleaned
        if cleaned.get("kind") != CampaignAction.Kind.EVENT:
            self.add_error("session", _("Only a public event can be one of our sessions."))
        elif cleaned.get("happened_on") and (
            timezone.localdate(session.starts_at) != cleaned["happened_on"]
        ):
            self.add_error("happened_on", _("The date must be the day of the session you chose."))
        return cleaned


# --- Materials library ------------------------------------------------------------------


class _FileChecked:
    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            material_file_check(upload)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return upload


class MaterialForm(_FileChecked, forms.ModelForm):
    """A material's description and where it is used; on creation, its first file."""

    groups = forms.ModelMultipleChoiceField(
        label=_("support groups"),
        queryset=SupportGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    campaigns = forms.ModelMultipleChoiceField(
        label=_("campaigns"),
        queryset=Campaign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Material
        fields = ["title", "description", "licence", "author", "courses"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "courses": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, association, with_file: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = Course.objects.for_association(association)
        # Active groups, and those it is already linked to (so saving keeps them).
        linked = self.instance.groups.all() if self.instance.pk else SupportGroup.objects.none()
        self.fields["groups"].queryset = SupportGroup.objects.for_association(association).filter(
            Q(is_active=True) | Q(pk__in=linked.values("pk"))
        )
        self.fields["campaigns"].queryset = Campaign.objects.for_association(association)
        if self.instance.pk:
            self.fields["groups"].initial = list(self.instance.groups.all())
            self.fields["campaigns"].initial = list(self.instance.campaigns.all())
        fields = ["title", "description", "licence", "author"]
        if with_file:
            self.fields["language"] = _language_field(initial="it")
            self.fields["file"] = _file_field()
            fields += ["language", "file"]
        self.helper = inline_helper(Layout(*fields, "courses", "groups", "campaigns"))

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("language", None)
        data.pop("file", None)
        return data


class MaterialFileForm(_FileChecked, forms.Form):
    """Another language version of a material (or a new file for a language it has)."""

    language = _language_field()
    file = _file_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="version", **kwargs)
        self.helper = inline_helper()


class MaterialSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.none(),
        required=False,
        empty_label=_("Any language"),
    )

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the languages the library has something in.
        self.fields["language"].queryset = Language.objects.filter(
            pk__in=MaterialFile.objects.filter(material__association=association).values(
                "language_id"
            )
        )
