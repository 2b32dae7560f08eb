"""django-filter filter sets of the members app's lists."""

import django_filters
from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Channel, Delivery


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
