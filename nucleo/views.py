from contextlib import suppress

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from members.models import Membership
from members.services import user_set_language

from . import health
from .home import home_sections


def home_view(request):
    """Each person lands on what their roles let them do today."""
    return render(request, "nucleo/home.html", {"sections": home_sections(request)})


@login_not_required
@never_cache
def healthz_view(request):
    results, healthy = health.run_checks()
    return JsonResponse(results, status=200 if healthy else 503)


@login_not_required
@require_POST
def language_set_view(request):
    """Django's language switch, remembered on the account of a signed-in person."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language:
        # set_language below ignores an unknown language the same way.
        with suppress(ValidationError):
            user_set_language(user=request.user, language=language)
    return set_language(request)


def floor_view(request):
    """The benchmark floor: a signed-in page doing one indexed query, nothing else. Page
    timings are printed as ratios to this one."""
    count = Membership.objects.filter(user_id=request.user.pk).count()
    return HttpResponse(str(count), content_type="text/plain")
