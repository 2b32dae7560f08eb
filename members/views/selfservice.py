"""A person's own pages: my profile, my languages, my consents, and the privacy notice
coordinators publish. Every page shows the signed-in person's own entry in the active
association — there is no other person's id to guess — and answers 404 without one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from .. import selectors, services
from ..decorators import role_required
from ..forms.selfservice import (
    ConsentChoiceForm,
    OwnProfileForm,
    PrivacyNoticeForm,
    StaffConsentForm,
)
from ..models import ConsentPurpose, Member, PrivacyNotice, Role
from ..services.registry import OWN_FIELDS
from .core import member_get_for_user, own_member_or_404


def me_view(request):
    member = own_member_or_404(request)
    return render(
        request,
        "members/me_detail.html",
        {
            "member": member,
            "path": services.empowerment_path(member=member),
            "consents": selectors.consent_states(member=member),
        },
    )


def me_edit_view(request):
    member = own_member_or_404(request)
    initial = model_to_dict(member, fields=[*OWN_FIELDS, "languages"])
    form = OwnProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update_own(member=member, by=request.user, **form.own_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("members:me")
    return render(request, "members/me_form.html", {"form": form, "member": member})


def _apply_consent(request, *, member: Member, form: ConsentChoiceForm, method=None) -> None:
    purpose = ConsentPurpose(form.cleaned_data["purpose"])
    if form.cleaned_data["action"] == ConsentChoiceForm.GIVE:
        try:
            services.consent_give(member=member, purpose=purpose, by=request.user, method=method)
        except services.NoPrivacyNotice:
            messages.error(
                request,
                _(
                    "The association has not published its privacy notice yet: a consent "
                    "cannot be recorded before people can read it."
                ),
            )
            return
        messages.success(request, _("Consent recorded: %(purpose)s.") % {"purpose": purpose.label})
    else:
        services.consent_withdraw(member=member, purpose=purpose, by=request.user)
        messages.success(request, _("Consent withdrawn: %(purpose)s.") % {"purpose": purpose.label})


def me_consents_view(request):
    member = own_member_or_404(request)
    if request.method == "POST":
        form = ConsentChoiceForm(request.POST)
        if form.is_valid():
            _apply_consent(request, member=member, form=form)
            return redirect("members:me-consents")
        messages.error(request, _("Choose one of the purposes listed."))
    return render(
        request,
        "members/me_consents.html",
        {
            "member": member,
            "consents": selectors.consent_states(member=member),
            "notice": services.privacy_notice_current(association=request.association),
        },
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_consents_view(request, pk: int):
    member = member_get_for_user(user=request.user, association=request.association, pk=pk)
    if not request.user.has_perm("members.change_member", member):
        raise PermissionDenied
    form = StaffConsentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            _apply_consent(
                request, member=member, form=form, method=form.cleaned_data["method"] or None
            )
            return redirect("members:member-consents", pk=member.pk)
        messages.error(request, _("Choose one of the purposes listed."))
    return render(
        request,
        "members/member_consents.html",
        {
            "member": member,
            "consents": selectors.consent_states(member=member),
            "notice": services.privacy_notice_current(association=request.association),
            "methods": StaffConsentForm.base_fields["method"].choices,
        },
    )


@role_required(Role.COORDINATOR)
def privacy_notice_list_view(request):
    form = PrivacyNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.privacy_notice_publish(
                association=request.association,
                by=request.user,
                version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The new privacy notice is published."))
            return redirect("members:privacy-notice-list")
    notices = PrivacyNotice.objects.for_association(request.association)
    return render(request, "members/privacy_notice_list.html", {"form": form, "notices": notices})


urlpatterns = [
    path("me/", me_view, name="me"),
    path("me/edit/", me_edit_view, name="me-edit"),
    path("me/consents/", me_consents_view, name="me-consents"),
    path("<int:pk>/consents/", member_consents_view, name="member-consents"),
    path("privacy-notices/", privacy_notice_list_view, name="privacy-notice-list"),
]
