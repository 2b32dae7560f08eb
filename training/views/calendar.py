"""The calendar: month and week views (what I can join, what I joined, what I run), a
person's iCalendar feed behind a secret token, and an .ics for one session."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from members.models import Role
from members.selectors import has_role_in

from .. import selectors, services
from ..models import CalendarToken, Session

ROME = ZoneInfo(settings.TIME_ZONE)


def _scopes(request) -> list[tuple[str, str]]:
    scopes = [("open", _("What I can join")), ("mine", _("What I joined"))]
    if has_role_in(request.user, request.association.pk, Role.FACILITATOR, Role.COORDINATOR):
        scopes.append(("run", _("What I run")))
    return scopes


def calendar_view(request):
    """``?view=month|week&day=YYYY-MM-DD&scope=open|mine|run``."""
    scopes = _scopes(request)
    scope = request.GET.get("scope")
    if scope not in {code for code, _label in scopes}:
        scope = "run" if scopes[-1][0] == "run" else "open"
    view = "week" if request.GET.get("view") == "week" else "month"
    day = parse_date(request.GET.get("day") or "") or timezone.localdate()
    if view == "week":
        start, end = selectors.week_bounds(day)
        previous, following = day - timedelta(weeks=1), day + timedelta(weeks=1)
    else:
        start, end = selectors.month_bounds(day)
        first = day.replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
    sessions = selectors.calendar_sessions(
        user=request.user, association=request.association, start=start, end=end, scope=scope
    )
    token = CalendarToken.objects.filter(user=request.user).first()
    return render(
        request,
        "training/calendar.html",
        {
            "weeks": selectors.calendar_weeks(start, end, sessions),
            "sessions": sessions,
            "view": view,
            "scope": scope,
            "scopes": scopes,
            "day": day,
            "month": day.replace(day=1),
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
            "feed_url": request.build_absolute_uri(
                reverse("training:calendar-feed", kwargs={"token": token.token})
            )
            if token
            else "",
            "here": request.get_full_path(),
        },
    )


@require_POST
def calendar_token_view(request):
    """Make (or renew) the secret feed address: the old one stops working."""
    services.calendar_token_renew(user=request.user)
    messages.success(request, _("Your calendar address is ready: copy it into your calendar app."))
    return redirect("training:calendar")


def _event(session: Session) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@nucleo")
    event.add("summary", session.course.title)
    event.add("dtstart", timezone.localtime(session.starts_at, ROME))
    event.add("dtend", timezone.localtime(session.ends_at, ROME))
    event.add("dtstamp", timezone.now())
    if session.where:
        event.add("location", str(session.where))
    if session.online_url:
        event.add("url", session.online_url)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Nucleo//Formazione//IT")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _ics(calendar: Calendar, filename: str) -> HttpResponse:
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_not_required
def calendar_feed_view(request, token: str):
    """A person's sessions and group meetings for calendar apps, which cannot sign in:
    the token in the address is the key (a wrong one is 404)."""
    owner = get_object_or_404(CalendarToken.objects.select_related("user"), token=token).user
    if not owner.is_active:
        raise Http404
    calendar = _calendar(_("Nucleo: my sessions"))
    for session in selectors.feed_sessions(user=owner):
        calendar.add_component(_event(session))
    for meeting in selectors.feed_meetings(user=owner):
        event = Event()
        event.add("uid", f"group-meeting-{meeting.pk}@nucleo")
        event.add("summary", meeting.group.name)
        event.add("dtstart", timezone.localtime(meeting.starts_at, ROME))
        event.add("dtend", timezone.localtime(meeting.ends_at, ROME))
        event.add("dtstamp", timezone.now())
        if meeting.group.where:
            event.add("location", str(meeting.group.where))
        event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return _ics(calendar, "nucleo.ics")


def session_ics_view(request, pk: int):
    session = selectors.session_get_for_user(
        user=request.user, association=request.association, pk=pk
    )
    calendar = _calendar(session.course.title)
    calendar.add_component(_event(session))
    return _ics(calendar, f"session-{session.pk}.ics")


urlpatterns = [
    path("calendar/", calendar_view, name="calendar"),
    path("calendar/address/", calendar_token_view, name="calendar-token"),
    path("calendar/feed/<str:token>.ics", calendar_feed_view, name="calendar-feed"),
    path("sessions/<int:pk>/calendar.ics", session_ics_view, name="session-ics"),
]
