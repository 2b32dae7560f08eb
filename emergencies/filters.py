"""The case list's filters."""

import django_filters
from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import User

from .models import Case, Category, Urgency
from .selectors import case_search


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, empty_label=_("Any status")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=Urgency.choices, empty_label=_("Any urgency")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.none(), empty_label=_("Any category")
    )
    assigned_to = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=User.objects.none(), empty_label=_("Anyone")
    )
    zone = django_filters.CharFilter(
        label=_("Zone"), field_name="member__zone", lookup_expr="icontains"
    )
    opened_from = django_filters.DateFilter(
        label=_("Opened from"),
        field_name="opened_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    opened_to = django_filters.DateFilter(
        label=_("Opened until"),
        field_name="opened_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Case
        fields = ["q", "status", "urgency", "category", "assigned_to", "zone"]

    def __init__(self, *args, categories, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].queryset = categories
        self.filters["assigned_to"].queryset = staff
        helper = FormHelper()
        helper.form_method = "get"
        helper.disable_csrf = True
        helper.attrs = {"role": "search"}
        helper.layout = Layout(
            Row(
                Column("q", css_class="col-12 col-md-4"),
                Column("status", css_class="col-6 col-md-2"),
                Column("urgency", css_class="col-6 col-md-2"),
                Column("category", css_class="col-6 col-md-2"),
                Column("assigned_to", css_class="col-6 col-md-2"),
                Column("zone", css_class="col-6 col-md-3"),
                Column("opened_from", css_class="col-6 col-md-3"),
                Column("opened_to", css_class="col-6 col-md-3"),
                Column(
                    StrictButton(_("Filter"), type="submit", css_class="btn-nucleo w-100"),
                    css_class="col-6 col-md-3 d-flex align-items-end mb-3",
                ),
                css_class="g-2",
            )
        )
        self.form.helper = helper

    def search(self, queryset, name, value):
        return case_search(queryset, value)
