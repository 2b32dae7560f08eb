"""Pages of courses and sessions: the staff list of courses, a course and its
sessions, creating a session or a weekly series, a session with enrolment (and the
waiting list), cancelling, attendance on a phone, the certificate, and the
coordinators' page that makes trained people facilitators."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.forms.helpers import add_errors
from members.models import Member, Role
from members.selectors import has_role_in, member_of_user

from .. import selectors, services
from ..forms.courses import CourseForm, SessionForm
from ..models import CourseCompletion, Enrolment

STAFF = (Role.COORDINATOR, Role.FACILITATOR)


def _is_coordinator(request) -> bool:
    return bool(request.membership and request.membership.is_coordinator)


@role_required(*STAFF)
def course_list_view(request):
    courses = selectors.courses_for(user=request.user, association=request.association)
    return render(request, "training/course_list.html", {"courses": courses})


def _course_form(request, course=None):
    return CourseForm(
        request.POST or None,
        instance=course,
        association=request.association,
        can_choose_facilitators=_is_coordinator(request),
    )


def _course_fields(form) -> dict:
    data = dict(form.cleaned_data)
    return {
        "skills": data.pop("skills"),
        "languages": data.pop("languages"),
        "facilitators": data.pop("facilitators", []),
        **data,
    }


@role_required(*STAFF)
def course_create_view(request):
    form = _course_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(
                association=request.association, by=request.user, **_course_fields(form)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Course created: now add its sessions."))
            return redirect("training:session-create", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form})


@role_required(*STAFF)
def course_edit_view(request, pk: int):
    course = selectors.course_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    if not services.course_may_edit(course, request.user):
        raise PermissionDenied
    form = _course_form(request, course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_save(
                association=request.association,
                by=request.user,
                course=course,
                **_course_fields(form),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect("training:course-detail", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": course})


def course_detail_view(request, pk: int):
    course = selectors.course_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    sessions = (
        course.sessions.select_related("location")
        .filter(starts_at__gte=timezone.now() - timedelta(days=60))
        .order_by("starts_at")
    )
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "can_edit": services.course_may_edit(course, request.user),
            "skills": course.skills.all(),
            "facilitators": course.facilitators.all(),
            "materials": course.materials.all(),
        },
    )


@role_required(*STAFF)
def session_create_view(request, pk: int):
    """A session, or a weekly series of them in one go."""
    course = selectors.course_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    if not services.course_may_edit(course, request.user):
        raise PermissionDenied
    form = SessionForm(request.POST or None, association=request.association)
    if request.method == "POST" and form.is_valid():
        try:
            sessions = services.sessions_create(
                course=course,
                by=request.user,
                fields=services.SessionFields(
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.ends_at,
                    capacity=form.cleaned_data["capacity"],
                    location=form.cleaned_data["location"],
                    room=form.cleaned_data["room"],
                    online_url=form.cleaned_data["online_url"],
                ),
                weeks=form.cleaned_data["weeks"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(count)s sessions scheduled.") % {"count": len(sessions)}
                if len(sessions) > 1
                else _("Session scheduled."),
            )
            return redirect("training:course-detail", pk=course.pk)
    return render(request, "training/session_form.html", {"form": form, "course": course})


def _session_context(request, session) -> dict:
    member = member_of_user(user=request.user, association=request.association)
    mine = session.enrolments.active().filter(member=member).first() if member is not None else None
    can_edit = services.course_may_edit(session.course, request.user)
    position = None
    if mine is not None and mine.status == Enrolment.Status.WAITLISTED:
        position = session.enrolments.waiting().filter(created_at__lte=mine.created_at).count()
    return {
        "session": session,
        "course": session.course,
        "member": member,
        "mine": mine,
        "position": position,
        "can_edit": can_edit,
        "is_staff": services.session_may_manage(session, request.user),
        "cancel_deadline": services.cancel_deadline(session),
        "waiting": session.enrolments.waiting().count(),
        "now": timezone.now(),
    }


def session_detail_view(request, pk: int):
    session = selectors.session_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    context = _session_context(request, session)
    if context["is_staff"]:
        context["enrolments"] = (
            session.enrolments.active().select_related("member").order_by("status", "created_at")
        )
        who = request.GET.get("who", "").strip()[:100]
        context["who"] = who
        if who:
            context["found"] = (
                Member.objects.for_association(request.association)
                .filter(anonymised_at__isnull=True)
                .search(who)
                .exclude(pk__in=session.enrolments.active().values("member_id"))
                .order_by("last_name", "first_name")[:8]
            )
    return render(request, "training/session_detail.html", context)


@require_POST
def session_enrol_member_view(request, pk: int):
    """Staff enrol a person of the registry (who asked at the desk, on the phone)."""
    session = selectors.session_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    if not services.session_may_manage(session, request.user):
        raise Http404
    member = (
        Member.objects.for_association(request.association)
        .filter(anonymised_at__isnull=True, pk=request.POST.get("member", ""))
        .first()
        if str(request.POST.get("member", "")).isdigit()
        else None
    )
    if member is None:
        messages.error(request, _("Choose the person among those found."))
        return redirect("training:session-detail", pk=session.pk)
    try:
        enrolment = services.enrol(session=session, member=member, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except services.EnrolmentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {"name": member.full_name, "status": enrolment.get_status_display()},
        )
    return redirect("training:session-detail", pk=session.pk)


@role_required(*STAFF)
def session_edit_view(request, pk: int):
    session = selectors.session_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    if not services.course_may_edit(session.course, request.user):
        raise PermissionDenied
    initial = {
        "starts_at": timezone.localtime(session.starts_at),
        "duration_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
        "capacity": session.capacity,
        "location": session.location_id,
        "room": session.room,
        "online_url": session.online_url,
    }
    form = SessionForm(
        request.POST or None, initial=initial, association=request.association, series=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                session=session,
                by=request.user,
                fields=services.SessionFields(
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.ends_at,
                    capacity=form.cleaned_data["capacity"],
                    location=form.cleaned_data["location"],
                    room=form.cleaned_data["room"],
                    online_url=form.cleaned_data["online_url"],
                ),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Session saved: the people enrolled are told."))
            return redirect("training:session-detail", pk=session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "course": session.course, "session": session},
    )


@require_POST
@role_required(*STAFF)
def session_cancel_view(request, pk: int):
    session = selectors.session_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    services.session_cancel(session=session, by=request.user)
    messages.success(request, _("Session cancelled: everyone enrolled is told."))
    return redirect("training:session-detail", pk=session.pk)


@require_POST
def session_enrol_view(request, pk: int):
    """A member enrols themself (a place, or the waiting list)."""
    session = selectors.session_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    try:
        enrolment = services.enrol(session=session, member=member, by=request.user)
    except services.EnrolmentRefused as refused:
        messages.error(request, refused.message)
    else:
        if enrolment.status == Enrolment.Status.ENROLLED:
            messages.success(request, _("You are enrolled. We will remind you the day before."))
        else:
            messages.info(
                request,
                _(
                    "The session is full: you are on the waiting list. We tell you if a "
                    "place frees up."
                ),
            )
    # Enrolling from the calendar comes back to the same calendar page.
    back = request.POST.get("next", "")
    if back.startswith("/training/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return redirect(back)
    return redirect("training:session-detail", pk=session.pk)


@require_POST
def enrolment_cancel_view(request, pk: int):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("session__course", "member").filter(
            session__course__association=request.association
        ),
        pk=pk,
    )
    try:
        services.enrolment_cancel(enrolment=enrolment, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except services.EnrolmentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Cancelled. Thank you for letting us know."))
    return redirect("training:session-detail", pk=enrolment.session_id)


@role_required(*STAFF)
def attendance_view(request, pk: int):
    """The facilitator's checklist during the session, made for a phone: one tap per
    person, one save."""
    session = selectors.session_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    if not services.course_may_edit(session.course, request.user):
        raise PermissionDenied
    enrolments = selectors.attendance_list(session)
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            came = services.attendance_take(session=session, by=request.user, present=present)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Attendance saved: %(came)s of %(total)s came.")
                % {"came": came, "total": len(enrolments)},
            )
            return redirect("training:session-detail", pk=session.pk)
    return render(
        request, "training/attendance.html", {"session": session, "enrolments": enrolments}
    )


def certificate_view(request, pk: int):
    """The printable certificate of a completed course: the person's own, or any of the
    association's for its staff."""
    completion = get_object_or_404(
        CourseCompletion.objects.select_related("course__association", "member").filter(
            course__association=request.association
        ),
        pk=pk,
    )
    own = completion.member.user_id == request.user.pk
    if not own and not has_role_in(
        request.user, request.association.pk, Role.COORDINATOR, Role.FACILITATOR, Role.OPERATOR
    ):
        raise Http404
    return render(
        request,
        "training/certificate.html",
        {"completion": completion, "skills": completion.course.skills.all()},
    )


def my_training_view(request):
    """What a member joined: upcoming sessions, the waiting list, courses completed."""
    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    enrolments = (
        Enrolment.objects.active()
        .filter(member=member, session__starts_at__gte=timezone.now())
        .select_related("session__course", "session__location")
        .order_by("session__starts_at")
    )
    completions = member.completions.select_related("course")
    return render(
        request,
        "training/my_training.html",
        {"enrolments": enrolments, "completions": completions},
    )


@role_required(Role.COORDINATOR)
def facilitator_grant_view(request):
    """People who completed the facilitator training and are not facilitators yet."""
    if request.method == "POST":
        member = get_object_or_404(
            Member.objects.for_association(request.association), pk=request.POST.get("member")
        )
        try:
            services.facilitator_role_grant(member=member, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s is now a facilitator.") % {"name": member.full_name}
            )
        return redirect("training:facilitator-grant")
    completions = (
        CourseCompletion.objects.filter(
            course__association=request.association, course__topic="facilitation"
        )
        .select_related("member", "course")
        .annotate(
            is_facilitator=Count(
                "member__user__memberships",
                filter=Q(
                    member__user__memberships__association=request.association,
                    member__user__memberships__is_facilitator=True,
                ),
            )
        )
        .order_by("-completed_at")
    )
    return render(request, "training/facilitator_grant.html", {"completions": completions})


urlpatterns = [
    path("courses/", course_list_view, name="course-list"),
    path("courses/new/", course_create_view, name="course-create"),
    path("courses/<int:pk>/", course_detail_view, name="course-detail"),
    path("courses/<int:pk>/edit/", course_edit_view, name="course-edit"),
    path("courses/<int:pk>/sessions/new/", session_create_view, name="session-create"),
    path("sessions/<int:pk>/", session_detail_view, name="session-detail"),
    path("sessions/<int:pk>/edit/", session_edit_view, name="session-edit"),
    path("sessions/<int:pk>/cancel/", session_cancel_view, name="session-cancel"),
    path("sessions/<int:pk>/enrol/", session_enrol_view, name="session-enrol"),
    path(
        "sessions/<int:pk>/enrol-someone/", session_enrol_member_view, name="session-enrol-member"
    ),
    path("sessions/<int:pk>/attendance/", attendance_view, name="attendance"),
    path("enrolments/<int:pk>/cancel/", enrolment_cancel_view, name="enrolment-cancel"),
    path("certificates/<int:pk>/", certificate_view, name="certificate"),
    path("me/", my_training_view, name="my-training"),
    path("facilitators/", facilitator_grant_view, name="facilitator-grant"),
]
