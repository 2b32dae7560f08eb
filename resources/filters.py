"""django-filter filter set of the resource map's directory."""

from __future__ import annotations

import django_filters
from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Language

from . import municipalities
from .models import Service, ServiceAtLocation, TaxonomyTerm
from .search import search_services
from .selectors import within_distance

RADIUS_CHOICES = [(2, "2 km"), (5, "5 km"), (10, "10 km"), (20, "20 km"), (50, "50 km")]
DEFAULT_RADIUS_KM = 10
ANY_STATUS = "any"
# The filters behind "More filters": its summary counts those in use.
ADVANCED = ("category", "language", "near", "lat", "open_now", "free", "wheelchair", "status")


class DirectoryFilter(django_filters.FilterSet):
    """What a person looks for on the map: words, a category, a language they speak,
    what is open now, free, reachable in a wheelchair, near a town or near them.

    "Open now" is not SQL: the view evaluates it in Python from the prefetched hours
    (``open_now_only``); the distance needs a point and a radius together, so it is
    applied once all filters have run.
    """

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=TaxonomyTerm.objects.all(),
        method="filter_category",
        empty_label=_("Any category"),
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language spoken"),
        queryset=Language.objects.all(),
        method="filter_language",
        empty_label=_("Any language"),
    )
    near = django_filters.ChoiceFilter(
        label=_("Near"),
        choices=municipalities.choices(),
        method="keep",
        empty_label=_("Anywhere"),
    )
    radius = django_filters.TypedChoiceFilter(
        label=_("Within"),
        choices=RADIUS_CHOICES,
        coerce=int,
        method="keep",
    )
    lat = django_filters.NumberFilter(
        method="keep", widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    lon = django_filters.NumberFilter(
        method="keep", widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    open_now = django_filters.BooleanFilter(
        label=_("Open now"), widget=forms.CheckboxInput, method="keep"
    )
    free = django_filters.BooleanFilter(
        label=_("Free of charge"), widget=forms.CheckboxInput, method="filter_free"
    )
    wheelchair = django_filters.BooleanFilter(
        label=_("Wheelchair accessible"), widget=forms.CheckboxInput, method="filter_wheelchair"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*Service.Status.choices, (ANY_STATUS, _("any status"))],
        method="keep",
        empty_label=None,
    )

    class Meta:
        model = Service
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        if data is not None and not data.get("radius"):
            data = data.copy()
            data["radius"] = str(DEFAULT_RADIUS_KM)
        super().__init__(data, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # The public map shows active services only.
            del self.filters["status"]
        self._terms = list(TaxonomyTerm.objects.order_by("name"))
        self._set_choices()
        self.form.helper = self._helper()

    # --- choices -----------------------------------------------------------------------

    def _set_choices(self) -> None:
        children: dict = {}
        for term in self._terms:
            children.setdefault(term.parent_id, []).append(term)
        ordered = []

        def walk(parent_id, depth):
            for term in sorted(children.get(parent_id, []), key=lambda t: t.localized_name):
                ordered.append((term.pk, "\u2003" * depth + term.localized_name))
                walk(term.pk, depth + 1)

        walk(None, 0)
        fields = self.form.fields
        # On the widgets: the fields still validate against their querysets, and the
        # page shows the rows already loaded (no second query for the options).
        fields["category"].widget.choices = [("", gettext("Any category")), *ordered]
        languages = sorted(Language.objects.all(), key=lambda language: str(language).lower())
        fields["language"].widget.choices = [
            ("", gettext("Any language")),
            *[(lang.pk, _language_label(lang)) for lang in languages],
        ]
        if "status" in fields:
            fields["status"].initial = Service.Status.ACTIVE

    def descendants(self, term: TaxonomyTerm) -> list:
        """The term and every term under it (the taxonomy's rows are already loaded)."""
        found, frontier = [term.pk], [term.pk]
        while frontier:
            frontier = [t.pk for t in self._terms if t.parent_id in frontier]
            found.extend(frontier)
        return found

    # --- filters -------------------------------------------------------------------------

    def keep(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        return search_services(queryset, value)

    def filter_category(self, queryset, name, value):
        through = Service.categories.through
        return queryset.filter(
            Exists(
                through.objects.filter(
                    service_id=OuterRef("pk"), taxonomyterm_id__in=self.descendants(value)
                )
            )
        )

    def filter_language(self, queryset, name, value):
        through = Service.languages.through
        return queryset.filter(
            Exists(through.objects.filter(service_id=OuterRef("pk"), language_id=value.pk))
        )

    def filter_free(self, queryset, name, value):
        return queryset.filter(is_free=True) if value else queryset

    def filter_wheelchair(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(
                ServiceAtLocation.objects.filter(
                    service_id=OuterRef("pk"), location__wheelchair_accessible=True
                )
            )
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        status = data.get("status") or Service.Status.ACTIVE
        if status != ANY_STATUS:
            queryset = queryset.filter(status=status)
        origin = self.origin
        if origin is not None:
            radius = data.get("radius") or DEFAULT_RADIUS_KM
            return within_distance(
                queryset, latitude=origin[0], longitude=origin[1], radius_km=radius
            )
        if data.get("q", "").strip():
            return queryset.order_by("-search_rank", "name")
        return queryset.order_by("name")

    # --- what the view asks ----------------------------------------------------------------

    @property
    def origin(self) -> tuple[float, float] | None:
        """The point distances are measured from: the person's position when they
        shared it, else the chosen municipality."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if data.get("lat") is not None and data.get("lon") is not None:
            return float(data["lat"]), float(data["lon"])
        if data.get("near"):
            town = municipalities.BY_SLUG[data["near"]]
            return town.latitude, town.longitude
        return None

    @property
    def uses_my_position(self) -> bool:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return data.get("lat") is not None and data.get("lon") is not None

    @property
    def open_now_only(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("open_now"))

    @property
    def active_count(self) -> int:
        data = self.data or {}
        count = sum(1 for name in ADVANCED if data.get(name) and name in self.filters)
        if data.get("status") == Service.Status.ACTIVE:
            count -= 1  # the default
        return count

    # --- layout --------------------------------------------------------------------------

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "get"
        helper.disable_csrf = True
        helper.form_id = "directory-filters"
        helper.attrs = {"role": "search", "aria-label": gettext("Search the resource map")}
        active = self.active_count
        summary = gettext("More filters")
        if active:
            summary = gettext("More filters (%(count)s active)") % {"count": active}
        position_note = ""
        if self.uses_my_position:
            rest = self.data.copy()
            for key in ("lat", "lon", "page"):
                rest.pop(key, None)
            position_note = format_html(
                '<p class="small mb-2" data-testid="using-position">{} <a href="?{}">{}</a></p>',
                gettext("Distances are measured from your position."),
                rest.urlencode(),
                gettext("Forget my position"),
            )
        helper.layout = Layout(
            Row(
                Column(
                    Field("q", placeholder=gettext("e.g. canteen, questura, Caritas")),
                    css_class="col",
                ),
                Column(
                    StrictButton(gettext("Search"), type="submit", css_class="btn-nucleo"),
                    css_class="col-auto d-flex align-items-end mb-3",
                ),
                css_class="g-2",
            ),
            HTML(position_note),
            HTML(
                format_html(
                    '<details class="directory-more mb-3"><summary>{}</summary>'
                    '<div class="directory-more-body">',
                    summary,
                )
            ),
            Row(
                Column("category", css_class="col-12 col-md-6"),
                Column("language", css_class="col-12 col-md-6"),
                css_class="g-2",
            ),
            Row(
                Column("near", css_class="col-7 col-md-6"),
                Column("radius", css_class="col-5 col-md-3"),
                Column(
                    HTML(
                        format_html(
                            '<button type="button" class="btn btn-outline-secondary w-100 '
                            'geo-button" data-geolocate hidden data-label-searching="{}" '
                            'data-label-failed="{}">{}</button>',
                            gettext("Looking for your position…"),
                            gettext("Your position is not available: choose a municipality."),
                            gettext("Use my position"),
                        )
                    ),
                    css_class="col-12 col-md-3 d-flex align-items-end mb-3",
                ),
                css_class="g-2",
            ),
            HTML(
                '<p class="small text-body-secondary mb-2" data-geolocate-status '
                'role="status" aria-live="polite"></p>'
            ),
            "lat",
            "lon",
            Div(
                Field("open_now", wrapper_class="form-check-inline"),
                Field("free", wrapper_class="form-check-inline"),
                Field("wheelchair", wrapper_class="form-check-inline"),
                css_class="directory-checks",
            ),
            *(["status"] if "status" in self.filters else []),
            Div(
                StrictButton(gettext("Apply filters"), type="submit", css_class="btn-nucleo"),
                HTML(
                    format_html(
                        '<a class="btn btn-outline-secondary" href="?">{}</a>',
                        gettext("Clear all"),
                    )
                ),
                css_class="d-flex flex-wrap gap-2",
            ),
            HTML("</div></details>"),
        )
        return helper


def _language_label(language: Language) -> str:
    name = str(language)
    if language.native_name and language.native_name.lower() != name.lower():
        return f"{name} · {language.native_name}"
    return name
