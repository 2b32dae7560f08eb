"""Resource map pages: partners (the organizations an association works with)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from members.decorators import role_required
from members.models import Role, User

from ..forms import PartnershipForm
from ..models import Partnership
from ..selectors_partners import partnership_list
from ..services import partners as services

PAGE_SIZE = 25


def partnership_get_for_user(*, user: User, association, pk: int, perm: str) -> Partnership:
    """Another association's partnership is a 404; without ``perm`` on it, a 403."""
    partnership = get_object_or_404(
        Partnership.objects.for_association(association).select_related("organization"), pk=pk
    )
    if not user.has_perm(perm, partnership):
        raise PermissionDenied
    return partnership


@role_required(Role.OPERATOR, Role.COORDINATOR)
def partner_list_view(request):
    page = Paginator(partnership_list(association=request.association), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "resources/partner_list.html",
        {"page": page, "can_edit": request.membership.has_role(Role.COORDINATOR)},
    )


@role_required(Role.COORDINATOR)
def partner_create_view(request):
    form = PartnershipForm(
        request.POST if request.method == "POST" else None, association=request.association
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_create(
                association=request.association, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:  # a second submit saved it first
            form.add_error(None, error)
        else:
            messages.success(request, _("Partner added."))
            return redirect("resources:partner-list")
    return render(request, "resources/partner_form.html", {"form": form, "creating": True})


@role_required(Role.COORDINATOR)
def partner_edit_view(request, pk: int):
    partnership = partnership_get_for_user(
        user=request.user,
        association=request.association,
        pk=pk,
        perm="resources.change_partnership",
    )
    form = PartnershipForm(
        request.POST if request.method == "POST" else None,
        instance=partnership,
        association=request.association,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(
                partnership=partnership, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:  # another request made it a partner first
            form.add_error(None, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("resources:partner-list")
    return render(
        request,
        "resources/partner_form.html",
        {"form": form, "creating": False, "partnership": partnership},
    )


urlpatterns = [
    path("partners/", partner_list_view, name="partner-list"),
    path("partners/new/", partner_create_view, name="partner-create"),
    path("partners/<int:pk>/edit/", partner_edit_view, name="partner-edit"),
]
