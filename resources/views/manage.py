"""Resource map pages: manage (create a resource, edit it, mark it as verified)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.models import Role, User

from ..forms import (
    ExceptionHoursFormSet,
    LocationForm,
    OrganizationForm,
    PhoneFormSet,
    ServiceForm,
    VerifiedCheckForm,
    WeeklyHoursFormSet,
    formset_rows,
)
from ..models import Location, Schedule, Service
from ..services import manage as services

HISTORY_SHOWN = 10


def service_get_for_change(*, user: User, pk, perm: str = "resources.change_service") -> Service:
    """The one way these pages reach a service: a resource nobody may see is a 404, one
    maintained by another association a 403 (everyone may see it, not change it)."""
    service = get_object_or_404(
        Service.objects.visible_to(user).select_related(
            "organization", "maintained_by", "last_verified_by"
        ),
        pk=pk,
    )
    if not user.has_perm(perm, service):
        raise PermissionDenied
    return service


def _saved_url(service: Service) -> str:
    # The detail page belongs to the directory: until it exists, back to the editor.
    try:
        return reverse("resources:service-detail", args=[service.pk])
    except NoReverseMatch:
        return reverse("resources:service-edit", args=[service.pk])


def _forms(request, *, service: Service, location: Location, creating: bool) -> dict:
    data = request.POST if request.method == "POST" else None
    association = request.association
    forms = {
        "organization_form": OrganizationForm(
            data,
            prefix="org",
            instance=service.organization if not creating else None,
            association=association,
            creating=creating,
        ),
        "service_form": ServiceForm(data, prefix="service", instance=service),
        "location_form": LocationForm(data, prefix="location", instance=location),
        "phones": PhoneFormSet(data, prefix="phones", instance=service),
        "weekly_hours": WeeklyHoursFormSet(
            data,
            prefix="hours",
            instance=service,
            queryset=Schedule.objects.filter(freq=Schedule.Freq.WEEKLY).order_by("pk"),
        ),
        "exceptions": ExceptionHoursFormSet(
            data,
            prefix="exceptions",
            instance=service,
            queryset=Schedule.objects.filter(freq=Schedule.Freq.NONE).order_by("valid_from"),
        ),
    }
    if not creating:
        forms["verified_form"] = VerifiedCheckForm(data, prefix="check")
    return forms


def _all_valid(forms: dict) -> bool:
    # Every form is validated (no short-circuit), so each shows its own errors.
    results = [form.is_valid() for form in forms.values()]
    return all(results)


def _rows(forms: dict) -> dict:
    return {
        "phones": formset_rows(forms["phones"]),
        "weekly_hours": formset_rows(forms["weekly_hours"]),
        "exceptions": formset_rows(forms["exceptions"]),
    }


def _organization_data(form: OrganizationForm) -> dict:
    return {name: form.cleaned_data[name] for name in OrganizationForm.Meta.fields}


@role_required(Role.OPERATOR, Role.COORDINATOR)
def service_create_view(request):
    service = Service(maintained_by=request.association)
    forms = _forms(request, service=service, location=Location(), creating=True)
    if request.method == "POST" and _all_valid(forms):
        organization = forms["organization_form"].cleaned_data["existing"]
        service = services.resource_create(
            association=request.association,
            by=request.user,
            organization=organization,
            organization_data={}
            if organization
            else _organization_data(forms["organization_form"]),
            service_data=forms["service_form"].cleaned_data,
            location_data=forms["location_form"].cleaned_data,
            **_rows(forms),
        )
        messages.success(request, _("The resource is on the map."))
        return redirect(_saved_url(service))
    return render(
        request,
        "resources/manage_form.html",
        {**forms, "creating": True},
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def service_edit_view(request, pk):
    service = service_get_for_change(user=request.user, pk=pk)
    location = services.service_location(service) or Location(
        organization=service.organization, maintained_by=service.maintained_by
    )
    can_change_organization = request.user.has_perm(
        "resources.change_organization", service.organization
    )
    # A place another association keeps is theirs to change: shown, not edited here.
    can_change_location = location._state.adding or request.user.has_perm(
        "resources.change_location", location
    )
    forms = _forms(request, service=service, location=location, creating=False)
    if not can_change_organization:
        del forms["organization_form"]
    if not can_change_location:
        del forms["location_form"]
    if request.method == "POST" and _all_valid(forms):
        services.resource_update(
            service=service,
            by=request.user,
            organization_data=(
                _organization_data(forms["organization_form"]) if can_change_organization else None
            ),
            service_data=forms["service_form"].cleaned_data,
            location_data=(forms["location_form"].cleaned_data if can_change_location else None),
            mark_verified=forms["verified_form"].cleaned_data["mark_verified"],
            **_rows(forms),
        )
        messages.success(request, _("Changes saved."))
        return redirect(_saved_url(service))
    history = service.history.select_related("history_user").order_by("-history_date")[
        :HISTORY_SHOWN
    ]
    return render(
        request,
        "resources/manage_form.html",
        {
            **forms,
            "creating": False,
            "service": service,
            "location": location,
            "history": history,
        },
    )


@require_POST
@role_required(Role.OPERATOR, Role.COORDINATOR)
def service_verify_view(request, pk):
    service = service_get_for_change(user=request.user, pk=pk, perm="resources.verify_service")
    services.service_verify(service=service, by=request.user)
    messages.success(request, _("Marked as verified today."))
    return redirect(_saved_url(service))


urlpatterns = [
    path("services/new/", service_create_view, name="service-create"),
    path("services/<uuid:pk>/edit/", service_edit_view, name="service-edit"),
    path("services/<uuid:pk>/verify/", service_verify_view, name="service-verify"),
]
