"""Community alert pages: the coordinators write, preview and send an alert; the live
board of answers and the phone list for coordinators and operators; and the page a
member opens from their own link to answer "I'm safe" or "I need help"."""

from __future__ import annotations

import base64
import hashlib

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.decorators import role_required
from members.models import STAFF_ROLES, Role

from .. import services
from ..forms.alerts import AlertForm, AnswerForm, alert_text_formset
from ..models import AlertAnswer, CommunityAlert
from ..selectors import alerts as alert_reads
from . import is_coordinator

PAGE_SIZE = 25
#: How often the board asks for fresh counts.
BOARD_REFRESH_SECONDS = 15


def alert_get_for_user(*, request, pk: int) -> CommunityAlert:
    """The one way views reach an alert: another association's is a 404 (the roles are
    checked by the view's decorator)."""
    return get_object_or_404(alert_reads.alert_detail(association=request.association), pk=pk)


@role_required(*STAFF_ROLES)
def alert_list_view(request):
    page = Paginator(alert_reads.alert_list(association=request.association), PAGE_SIZE)
    return render(
        request,
        "emergencies/alerts/alert_list.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "is_coordinator": is_coordinator(request),
        },
    )


@role_required(Role.COORDINATOR)
def alert_create_view(request):
    association = request.association
    form_kwargs = {
        "known_zones": alert_reads.alert_known_zones(association=association),
        "languages": alert_reads.alert_spoken_languages(association=association),
    }
    common = alert_reads.alert_common_languages(association=association)
    data = request.POST if request.method == "POST" else None
    form = AlertForm(data, **form_kwargs)
    texts = alert_text_formset(languages=common, data=data)
    if data is not None and form.is_valid() and texts.is_valid():
        alert = services.alert_create(
            association=association,
            by=request.user,
            subject=form.cleaned_data["subject"],
            texts=texts.texts(),
            urgency=form.cleaned_data["urgency"],
            zones=form.cleaned_data["zone_list"],
            languages=form.cleaned_data["languages"],
            by_email=form.cleaned_data["by_email"],
            by_sms=form.cleaned_data["by_sms"],
            ask_check_in=form.cleaned_data["ask_check_in"],
        )
        messages.success(request, _("Draft saved. Check whom it reaches, then send it."))
        return redirect("emergencies:alert-detail", pk=alert.pk)
    return render(
        request,
        "emergencies/alerts/alert_form.html",
        {"form": form, "texts": texts},
        status=422 if data is not None else 200,
    )


@role_required(*STAFF_ROLES)
def alert_detail_view(request, pk: int):
    """A draft: its texts and whom it reaches, to send. A sent alert: the live board,
    whose block htmx asks for again every few seconds."""
    alert = alert_get_for_user(request=request, pk=pk)
    context = {
        "alert": alert,
        "is_coordinator": is_coordinator(request),
        "refresh_seconds": BOARD_REFRESH_SECONDS,
    }
    if alert.status == CommunityAlert.Status.DRAFT:
        context["reach"] = alert_reads.alert_reach(alert)
    else:
        context["board"] = alert_reads.alert_board(alert)
        if request.htmx:
            return render(request, "emergencies/alerts/_alert_board.html", context)
    return render(request, "emergencies/alerts/alert_detail.html", context)


@require_POST
@role_required(Role.COORDINATOR)
def alert_send_view(request, pk: int):
    alert = alert_get_for_user(request=request, pk=pk)
    try:
        reached = services.alert_send(alert=alert, by=request.user)
    except services.AlertRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Alert sent to %(count)s people. The board fills in as they answer.")
            % {"count": reached},
        )
    return redirect("emergencies:alert-detail", pk=alert.pk)


@require_POST
@role_required(Role.COORDINATOR)
def alert_remind_view(request, pk: int):
    alert = alert_get_for_user(request=request, pk=pk)
    try:
        reminded = services.alert_remind(alert=alert, by=request.user)
    except services.AlertRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Reminder sent to the %(count)s people who had not answered.") % {"count": reminded},
        )
    return redirect("emergencies:alert-detail", pk=alert.pk)


# The sheet's own rules: A4, a compact table, nothing of the screen's chrome. An inline
# style the CSP allows by its hash.
PRINT_CSS = (
    "@page { size: A4; margin: 12mm; } "
    ".phone-list td, .phone-list th { vertical-align: top; } "
    ".phone-list .outcome { min-width: 12rem; } "
    "@media print { body { font-size: 10pt; } a { color: inherit; text-decoration: none; } "
    "tr { break-inside: avoid; page-break-inside: avoid; } }"
)
_PRINT_CSS_HASH = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()


@csp_update({"style-src": [f"'sha256-{_PRINT_CSS_HASH}'"]})
@require_GET
@role_required(*STAFF_ROLES)
def alert_phone_list_view(request, pk: int):
    """Whom to call, on one printable sheet: who did not answer (or, for a message that
    asks no answer, who has no account to receive it)."""
    alert = alert_get_for_user(request=request, pk=pk)
    if alert.status != CommunityAlert.Status.SENT:
        raise Http404(_("This alert was not sent yet."))
    return render(
        request,
        "emergencies/alerts/alert_phone_list.html",
        {
            "print_css": PRINT_CSS,
            "alert": alert,
            "rows": alert_reads.alert_phone_list(alert),
            "association": request.association,
            "printed_at": timezone.localtime(),
        },
    )


# --- The member's own link -------------------------------------------------------------


def _answer_page(request, row: AlertAnswer, *, form: AnswerForm | None = None, status=200):
    texts = {text.language_id: text for text in row.alert.texts.all()}
    chosen = request.GET.get("text") or row.language_id
    text = alert_reads.alert_text_for(row.alert, chosen)
    context = {
        "row": row,
        "alert": row.alert,
        "text": text,
        "other_texts": [t for code, t in sorted(texts.items()) if t != text],
        "form": form or AnswerForm(),
    }
    template = "emergencies/alerts/alert_answer.html"
    if request.htmx and request.method == "POST":
        template = "emergencies/alerts/_alert_answer_card.html"
    # Someone who opens the link without signing in reads the page in the language of
    # their account, unless they picked one with the switcher.
    language = None
    if (
        not request.user.is_authenticated
        and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        and row.member.user is not None
    ):
        language = row.member.user.language
    with translation.override(language or translation.get_language()):
        response = render(request, template, context, status=status)
    return response


@login_not_required
@never_cache
def alert_answer_view(request, token: str):
    """The link each person got: the alert in their language and, for a check-in, two
    big buttons. The token is the key: it works without signing in."""
    try:
        row = alert_reads.alert_answer_get(token=token)
    except AlertAnswer.DoesNotExist:
        raise Http404(_("This link is not valid.")) from None
    if request.method != "POST":
        return _answer_page(request, row)
    form = AnswerForm(request.POST)
    if not form.is_valid() or not row.alert.ask_check_in:
        return _answer_page(request, row, form=form, status=422)
    try:
        row = services.alert_answer(
            token=token, answer=form.cleaned_data["answer"], note=form.cleaned_data["note"]
        )
    except services.AnswerClosed:
        messages.info(request, _("You already asked for help: an operator will contact you."))
    except AlertAnswer.DoesNotExist:
        raise Http404(_("This link is not valid.")) from None
    if request.htmx:
        return _answer_page(request, alert_reads.alert_answer_get(token=token))
    return redirect("emergencies:alert-answer", token=token)


@require_POST
@role_required(*STAFF_ROLES)
def alert_answer_record_view(request, pk: int):
    """What a person said on the phone, recorded from the board by an operator."""
    row = get_object_or_404(
        AlertAnswer.objects.select_related("alert", "member"),
        pk=pk,
        alert__association=request.association,
    )
    answer = request.POST.get("answer", "")
    if answer not in AlertAnswer.Answer.values:
        messages.error(request, _("Choose what the person said: safe, or needs help."))
    else:
        try:
            services.alert_answer_record(
                answer_row=row, answer=answer, note=request.POST.get("note", ""), by=request.user
            )
        except services.AnswerClosed:
            messages.error(request, _("This person already asked for help: that answer stays."))
        except AlertAnswer.DoesNotExist:
            messages.error(request, _("This alert does not ask for answers."))
        else:
            messages.success(
                request, _("Answer of %(name)s recorded.") % {"name": row.member.full_name}
            )
    return redirect("emergencies:alert-detail", pk=row.alert_id)


urlpatterns = [
    path("alerts/", alert_list_view, name="alert-list"),
    path("alerts/new/", alert_create_view, name="alert-create"),
    path("alerts/<int:pk>/", alert_detail_view, name="alert-detail"),
    path("alerts/<int:pk>/send/", alert_send_view, name="alert-send"),
    path("alerts/<int:pk>/remind/", alert_remind_view, name="alert-remind"),
    path("alerts/<int:pk>/phone-list/", alert_phone_list_view, name="alert-phone-list"),
    path("alerts/answer/<str:token>/", alert_answer_view, name="alert-answer"),
    path("alerts/answers/<int:pk>/record/", alert_answer_record_view, name="alert-answer-record"),
]
