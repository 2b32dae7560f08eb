"""Pages of support groups: the list, a group (joining for members; requests, people,
meetings, notices and the facilitators' notes for who leads it), meeting attendance
and cancelling a meeting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.models import Role
from members.selectors import member_of_user

from .. import selectors, services
from ..forms.groups import GroupForm, TextForm
from ..models import GroupMeeting, GroupMembership, SupportGroup

M = GroupMembership.Status


def _is_coordinator(request) -> bool:
    return bool(request.membership and request.membership.is_coordinator)


def group_list_view(request):
    groups = (
        SupportGroup.objects.for_association(request.association)
        .filter(is_active=True)
        .select_related("language", "location")
        .annotate(people=Count("memberships", filter=Q(memberships__status=M.MEMBER)))
        .order_by("name")
    )
    return render(request, "training/group_list.html", {"groups": groups})


def _group_form(request, group=None):
    return GroupForm(
        request.POST or None,
        instance=group,
        association=request.association,
        can_choose_facilitators=_is_coordinator(request),
    )


def _save(request, form, group=None):
    data = dict(form.cleaned_data)
    facilitators = data.pop("facilitators", [])
    try:
        return services.group_save(
            association=request.association,
            by=request.user,
            group=group,
            facilitators=facilitators,
            **data,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@role_required(Role.COORDINATOR, Role.FACILITATOR)
def group_create_view(request):
    form = _group_form(request)
    if request.method == "POST" and form.is_valid():
        group = _save(request, form)
        if group is not None:
            messages.success(request, _("Group created, with its meetings of the coming weeks."))
            return redirect("training:group-detail", pk=group.pk)
    return render(request, "training/group_form.html", {"form": form})


@role_required(Role.COORDINATOR, Role.FACILITATOR)
def group_edit_view(request, pk: int):
    group = selectors.group_get_for_user(user=request.user, association=request.association, pk=pk)
    if not services.group_may_manage(group, request.user):
        raise PermissionDenied
    form = _group_form(request, group)
    if request.method == "POST" and form.is_valid() and _save(request, form, group) is not None:
        messages.success(request, _("Group saved."))
        return redirect("training:group-detail", pk=group.pk)
    return render(request, "training/group_form.html", {"form": form, "group": group})


def group_detail_view(request, pk: int):
    group = selectors.group_get_for_user(user=request.user, association=request.association, pk=pk)
    member = member_of_user(user=request.user, association=request.association)
    mine = group.memberships.filter(member=member).first() if member else None
    manages = services.group_may_manage(group, request.user)
    leads = services.group_is_facilitator(group, request.user)
    in_group = manages or (mine is not None and mine.status == M.MEMBER)
    context = {
        "group": group,
        "mine": mine,
        "manages": manages,
        "leads": leads,
        "in_group": in_group,
        "facilitators": group.facilitators.all(),
        "meetings": group.meetings.filter(starts_at__gte=timezone.now()).order_by("starts_at")[:8]
        if in_group or group.open_to_requests
        else [],
    }
    if in_group:
        context["notices"] = group.notices.select_related("author")[:10]
        context["materials"] = group.materials.all()
    if manages:
        context["requests"] = group.memberships.filter(status=M.REQUESTED).select_related("member")
        context["people"] = group.memberships.filter(status=M.MEMBER).select_related("member")
        context["notice_form"] = TextForm(prefix="notice", label=_("Message to the group"))
        context["past_meetings"] = group.meetings.filter(starts_at__lt=timezone.now()).order_by(
            "-starts_at"
        )[:6]
    if leads:
        context["notes"] = selectors.group_notes_for(group=group, user=request.user)[:20]
        context["note_form"] = TextForm(prefix="note", label=_("Note for the facilitators"))
    return render(request, "training/group_detail.html", context)


@require_POST
def group_join_view(request, pk: int):
    group = selectors.group_get_for_user(user=request.user, association=request.association, pk=pk)
    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    try:
        services.group_join_request(group=group, member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request is sent: a facilitator will welcome you."))
    return redirect("training:group-detail", pk=group.pk)


@require_POST
def group_decide_view(request, pk: int):
    membership = get_object_or_404(
        GroupMembership.objects.select_related("group").filter(
            group__association=request.association
        ),
        pk=pk,
    )
    if not services.group_may_manage(membership.group, request.user):
        raise Http404
    services.group_join_decide(
        membership=membership, by=request.user, admit=request.POST.get("admit") == "1"
    )
    return redirect("training:group-detail", pk=membership.group_id)


@require_POST
def group_notice_view(request, pk: int):
    group = selectors.group_get_for_user(user=request.user, association=request.association, pk=pk)
    if not services.group_may_manage(group, request.user):
        raise Http404
    form = TextForm(request.POST, prefix="notice")
    if form.is_valid():
        services.group_notice_send(group=group, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Message sent to the group."))
    else:
        messages.error(request, _("Write the message first."))
    return redirect("training:group-detail", pk=group.pk)


@require_POST
def group_note_view(request, pk: int):
    """Only the group's own facilitators; anyone else gets 404 (not even coordinators:
    what is said in a group stays there)."""
    group = selectors.group_get_for_user(user=request.user, association=request.association, pk=pk)
    if not services.group_is_facilitator(group, request.user):
        raise Http404
    form = TextForm(request.POST, prefix="note")
    if form.is_valid():
        services.group_note_add(group=group, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Note kept for the group's facilitators."))
    else:
        messages.error(request, _("Write the note first."))
    return redirect("training:group-detail", pk=group.pk)


def _meeting(request, pk: int) -> GroupMeeting:
    meeting = get_object_or_404(
        GroupMeeting.objects.select_related("group").filter(group__association=request.association),
        pk=pk,
    )
    if not services.group_may_manage(meeting.group, request.user):
        raise Http404
    return meeting


@require_POST
def meeting_cancel_view(request, pk: int):
    meeting = _meeting(request, pk)
    services.meeting_cancel(meeting=meeting, by=request.user)
    messages.success(request, _("Meeting cancelled: the group is told."))
    return redirect("training:group-detail", pk=meeting.group_id)


def meeting_attendance_view(request, pk: int):
    meeting = _meeting(request, pk)
    people = list(
        meeting.group.memberships.filter(status=M.MEMBER)
        .select_related("member")
        .order_by("member__last_name", "member__first_name")
    )
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            came = services.meeting_attendance_take(
                meeting=meeting, by=request.user, present=present
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance saved: %(came)s came.") % {"came": came})
        return redirect("training:group-detail", pk=meeting.group_id)
    present = set(meeting.attendees.values_list("pk", flat=True))
    return render(
        request,
        "training/meeting_attendance.html",
        {"meeting": meeting, "people": people, "present": present},
    )


urlpatterns = [
    path("groups/", group_list_view, name="group-list"),
    path("groups/new/", group_create_view, name="group-create"),
    path("groups/<int:pk>/", group_detail_view, name="group-detail"),
    path("groups/<int:pk>/edit/", group_edit_view, name="group-edit"),
    path("groups/<int:pk>/join/", group_join_view, name="group-join"),
    path("groups/<int:pk>/notice/", group_notice_view, name="group-notice"),
    path("groups/<int:pk>/note/", group_note_view, name="group-note"),
    path("groups/requests/<int:pk>/", group_decide_view, name="group-decide"),
    path("meetings/<int:pk>/cancel/", meeting_cancel_view, name="meeting-cancel"),
    path("meetings/<int:pk>/attendance/", meeting_attendance_view, name="meeting-attendance"),
]
