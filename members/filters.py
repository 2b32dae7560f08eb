"""django-filter filter sets of the members app's lists."""

import django_filters
from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import (
    Channel,
    Consent,
    ConsentPurpose,
    Delivery,
    Language,
    Member,
    Membership,
    Role,
    VolunteerProfile,
)


class DeliveryFilter(django_filters.FilterSet):
    """What a coordinator looks for in the outbox: what failed, on which channel, for
    whom or about what."""

    q = django_filters.CharFilter(label=_("Recipient email or title"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Delivery.Status.choices, empty_label=_("Any status")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in (Channel.EMAIL, Channel.SMS)],
        empty_label=_("Any channel"),
    )

    class Meta:
        model = Delivery
        fields = ["q", "status", "channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_method = "get"
        helper.disable_csrf = True
        helper.attrs = {"role": "search"}
        helper.layout = Layout(
            Row(
                Column("q", css_class="col-12 col-md-5"),
                Column("status", css_class="col-6 col-md-3"),
                Column("channel", css_class="col-6 col-md-2"),
                Column(
                    StrictButton(_("Filter"), type="submit", css_class="btn-nucleo w-100"),
                    css_class="col-12 col-md-2 d-flex align-items-end mb-3",
                ),
                css_class="g-2",
            )
        )
        self.form.helper = helper

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(notification__recipient__email__icontains=value)
            | Q(notification__title__icontains=value)
        )


NO_ACCOUNT = "none"


class MemberFilter(django_filters.FilterSet):
    """The registry as operators look for people: by name however it was spelt, phone
    or email; by where they live, a language they speak, and their role in Nucleo."""

    q = django_filters.CharFilter(label=_("Name, email or phone"), method="search")
    zone = django_filters.CharFilter(label=_("Zone"), lookup_expr="icontains")
    municipality = django_filters.CharFilter(label=_("Municipality"), lookup_expr="icontains")
    language = django_filters.ModelChoiceFilter(
        label=_("Speaks"),
        field_name="languages",
        queryset=Language.objects.all(),
        empty_label=_("Any language"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Account"),
        choices=[*Role.choices, (NO_ACCOUNT, _("No account"))],
        empty_label=_("Anyone"),
        method="with_role",
    )
    volunteer = django_filters.ChoiceFilter(
        label=_("Volunteer"),
        choices=[("yes", _("Volunteers")), ("no", _("Not volunteers"))],
        empty_label=_("Anyone"),
        method="is_volunteer",
    )
    consent = django_filters.ChoiceFilter(
        label=_("Consent"),
        choices=[
            (_("Has given"), [(f"given:{p.value}", p.label) for p in ConsentPurpose]),
            (_("Has not given"), [(f"missing:{p.value}", p.label) for p in ConsentPurpose]),
        ],
        empty_label=_("Any consent"),
        method="with_consent",
    )

    class Meta:
        model = Member
        fields = ["q", "zone", "municipality", "language", "role", "volunteer", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_method = "get"
        helper.disable_csrf = True
        helper.attrs = {"role": "search"}
        helper.layout = Layout(
            Row(
                Column("q", css_class="col-12 col-md-4"),
                Column("municipality", css_class="col-6 col-md-2"),
                Column("zone", css_class="col-6 col-md-2"),
                Column("language", css_class="col-6 col-md-2"),
                Column("role", css_class="col-6 col-md-2"),
                Column("volunteer", css_class="col-6 col-md-3"),
                Column("consent", css_class="col-6 col-md-4"),
                css_class="g-2",
            ),
            StrictButton(_("Search"), type="submit", css_class="btn-nucleo mb-3"),
        )
        self.form.helper = helper

    def search(self, queryset, name, value):
        return queryset.search(value)

    def with_role(self, queryset, name, value):
        if value == NO_ACCOUNT:
            return queryset.filter(user__isnull=True)
        memberships = Membership.objects.filter(
            user=OuterRef("user"), association=OuterRef("association"), **{f"is_{value}": True}
        )
        return queryset.filter(Exists(memberships))

    def is_volunteer(self, queryset, name, value):
        active = Exists(
            VolunteerProfile.objects.filter(member=OuterRef("pk"), opted_out_at__isnull=True)
        )
        return queryset.filter(active) if value == "yes" else queryset.filter(~active)

    def with_consent(self, queryset, name, value):
        state, _sep, purpose = value.partition(":")
        given = Exists(
            Consent.objects.filter(
                member=OuterRef("pk"), purpose=purpose, withdrawn_at__isnull=True
            )
        )
        return queryset.filter(given) if state == "given" else queryset.filter(~given)
