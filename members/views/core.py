from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..adapters import INVITATION_SESSION_KEY
from ..decorators import role_required
from ..filters import DeliveryFilter, MemberFilter
from ..forms import InvitationForm, MemberForm, NotificationPreferencesForm
from ..models import Delivery, Invitation, Member, Notification, Role, User
from ..panels import member_panels_for

PAGE_SIZE = 25


def member_get_for_user(*, user: User, association, pk: int) -> Member:
    """The one way views reach a registry entry: another association's is a 404, a
    person without the right to see it a 403."""
    member = get_object_or_404(selectors.member_list(association=association), pk=pk)
    if not user.has_perm("members.view_member", member):
        raise PermissionDenied
    return member


def own_member_or_404(request) -> Member:
    """The signed-in person's own registry entry in the active association: the one
    entry a person's own pages show, so they take no id that could be someone else's."""
    member = selectors.member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    return member


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_list_view(request):
    members = MemberFilter(
        request.GET or None, queryset=selectors.member_list(association=request.association)
    )
    page = Paginator(members.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page links keep the filters.
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "members/member_list.html",
        {
            "filter": members,
            "page": page,
            "filtered": members.is_bound and any(request.GET.get(f) for f in members.filters),
            "querystring": params.urlencode(),
        },
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_detail_view(request, pk: int):
    member = member_get_for_user(user=request.user, association=request.association, pk=pk)
    can_edit = request.user.has_perm("members.change_member", member)
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "can_see_notes": request.user.has_perm("members.view_member_notes", member),
            "can_edit": can_edit,
            "changes": selectors.member_recent_changes(member=member) if can_edit else [],
            "panels": member_panels_for(request, member),
        },
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_create_view(request):
    form = MemberForm(request.POST or None, submit_label=_("Register"))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(
                association=request.association, by=request.user, **form.registry_fields()
            )
        except services.PossibleDuplicate as duplicate:
            form.offer_duplicates(duplicate.candidates)
        else:
            messages.success(request, _("%(name)s is in the registry.") % {"name": member})
            return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def member_edit_view(request, pk: int):
    member = member_get_for_user(user=request.user, association=request.association, pk=pk)
    if not request.user.has_perm("members.change_member", member):
        raise PermissionDenied
    # The form works on a copy: the service compares the entry with what was typed.
    initial = model_to_dict(member, fields=[*services.registry.REGISTRY_FIELDS, "languages"])
    form = MemberForm(request.POST or None, initial=initial, submit_label=_("Save changes"))
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=member, by=request.user, **form.registry_fields())
        except services.PossibleDuplicate as duplicate:
            form.offer_duplicates(duplicate.candidates)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def invitation_list_view(request):
    invitations = selectors.invitation_list(association=request.association)
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    # A link is a key to the role it grants: shown only to those who may grant it.
    manageable = [r.value for r in services.roles_user_may_invite(membership=request.membership)]
    return render(
        request,
        "members/invitation_list.html",
        {
            "page": page,
            "manageable_roles": manageable,
            "base_url": request.build_absolute_uri("/").rstrip("/"),
        },
    )


@role_required(Role.OPERATOR, Role.COORDINATOR)
def invitation_create_view(request):
    allowed = services.roles_user_may_invite(membership=request.membership)
    form = InvitationForm(
        request.POST or None, association=request.association, allowed_roles=allowed
    )
    if request.method == "POST" and form.is_valid():
        services.invitation_create(
            association=request.association,
            email=form.cleaned_data["email"],
            role=Role(form.cleaned_data["role"]),
            member=form.cleaned_data["member"],
            invited_by=request.user,
        )
        messages.success(
            request,
            _("Invitation sent to %(email)s. The link works once and expires in 7 days.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("members:invitation-list")
    return render(request, "members/invitation_form.html", {"form": form})


@require_POST
@role_required(Role.OPERATOR, Role.COORDINATOR)
def invitation_revoke_view(request, pk: int):
    invitation = get_object_or_404(Invitation.objects.for_association(request.association), pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except services.InvitationNotUsable:
        messages.error(request, _("This invitation was already used or revoked."))
    else:
        messages.success(request, _("Invitation revoked."))
    return redirect("members:invitation-list")


@login_not_required
def invitation_accept_view(request, token: str):
    """The link in the invitation e-mail. A new person goes on to sign up; someone who
    already has an account signs in (if needed) and joins the association."""
    try:
        invitation = services.invitation_get_usable(token=token)
    except services.InvitationNotUsable:
        return render(request, "members/invitation_invalid.html", status=410)

    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request,
                "members/invitation_invalid.html",
                {"wrong_account": True, "invitation": invitation},
                status=403,
            )
        try:
            services.invitation_accept(token=token, user=request.user)
        except services.InvitationNotUsable:
            return render(request, "members/invitation_invalid.html", status=410)
        messages.success(
            request, _("You joined %(association)s.") % {"association": invitation.association}
        )
        return redirect("home")

    if User.objects.filter(email__iexact=invitation.email).exists():
        messages.info(request, _("You already have an account: sign in to accept the invitation."))
        return redirect(f"{reverse('account_login')}?next={request.path}")

    request.session[INVITATION_SESSION_KEY] = token
    if invitation.role in (Role.MEMBER, Role.FACILITATOR):
        # The link reached this address: signing up with it needs no second check. Staff
        # roles still confirm the address by e-mail, so a link seen by someone else is
        # not enough to become an operator or a coordinator.
        get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


@role_required(Role.COORDINATOR)
def sign_in_attempt_list_view(request):
    attempts = selectors.sign_in_attempt_list(association=request.association)
    page = Paginator(attempts, 50).get_page(request.GET.get("page"))
    return render(request, "members/signin_list.html", {"page": page})


@require_POST
def association_switch_view(request):
    try:
        membership = services.active_association_choose(
            session=request.session,
            user=request.user,
            association_id=int(request.POST.get("association", 0) or 0),
        )
    except (ValueError, ValidationError):
        messages.error(request, _("You do not belong to that association."))
    else:
        messages.success(
            request,
            _("You are now working in %(association)s.") % {"association": membership.association},
        )
    # Back home, not to the page the person was on: it may belong to the association
    # they have just left.
    return redirect("home")


# --- Notifications ---------------------------------------------------------------------


def _safe_local_url(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _inbox_page_url(page: str | None) -> str:
    url = reverse("members:notification-list")
    return f"{url}?page={page}" if page and page.isdigit() and page != "1" else url


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """A person reaches only their own notifications: anyone else's is a 404."""
    return get_object_or_404(selectors.inbox(user=user), pk=pk)


def notification_list_view(request):
    page = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "members/notification_list.html", {"page": page})


def notification_open_view(request, pk: int):
    """The link of a notification, in the inbox and in e-mails: read, then followed."""
    notification = notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, user=request.user)
    if _safe_local_url(request, notification.url):
        return HttpResponseRedirect(notification.url)
    return redirect("members:notification-list")


@require_POST
def notification_read_view(request, pk: int):
    notification = notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        notification.refresh_from_db(fields=["read_at"])
        # The item, and the bell swapped out of band so its count drops too.
        return render(
            request,
            "members/notification_read.htmx.html",
            {
                "notification": notification,
                "unread": selectors.unread_count(user=request.user),
                "request": request,
            },
        )
    return redirect(_inbox_page_url(request.POST.get("page")))


@require_POST
def notification_read_all_view(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("members:notification-list")


def notification_preferences_view(request):
    form = NotificationPreferencesForm(
        request.POST or None,
        user=request.user,
        channels_by_group=selectors.preferences_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=request.user,
            channels_by_group=form.channels_by_group(),
            quiet_hours_start=form.cleaned_data["quiet_hours_start"],
            quiet_hours_end=form.cleaned_data["quiet_hours_end"],
            language=form.cleaned_data["language"],
            phone=form.cleaned_data["phone"],
        )
        # In the language just chosen: that is the one the next page speaks.
        with translation.override(form.cleaned_data["language"]):
            messages.success(request, _("Your notification preferences are saved."))
        return redirect("members:notification-preferences")
    return render(request, "members/notification_preferences.html", {"form": form})


@role_required(Role.COORDINATOR)
def delivery_list_view(request):
    deliveries = DeliveryFilter(
        request.GET or None, queryset=selectors.delivery_list(association=request.association)
    )
    page = Paginator(deliveries.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/delivery_list.html",
        {"filter": deliveries, "page": page, "now": timezone.now()},
    )


@require_POST
@role_required(Role.COORDINATOR)
def delivery_retry_view(request, pk: int):
    delivery = get_object_or_404(selectors.delivery_list(association=request.association), pk=pk)
    was_failed = delivery.status == Delivery.Status.FAILED
    services.delivery_retry(delivery=delivery, by=request.user)
    if was_failed:
        messages.success(request, _("Sending again: the result appears in this list."))
    else:
        messages.info(request, _("This delivery had not failed: nothing to send again."))
    back = request.POST.get("next", "")
    if _safe_local_url(request, back):
        return HttpResponseRedirect(back)
    return redirect("members:delivery-list")
