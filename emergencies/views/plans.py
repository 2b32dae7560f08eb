"""Pages of personal emergency plans: the member's own plan (one section a screen,
drafts autosaved), co-editing by operators when shared, versions and what changed,
"activate my plan", the printable plan and the wallet card; the staff list of plans and
the coordinators' scenario templates. Every plan is fetched through
``selectors.plans.plan_get_for_user`` (404 for whoever may not see it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.decorators import role_required
from members.forms.helpers import add_errors
from members.models import ConsentPurpose, Member, Role
from members.selectors import member_of_user
from members.services import consent_active
from resources.models import Service
from resources.search import search_services
from resources.selectors import service_directory, with_card_facts

from .. import services
from ..forms.plans import (
    FORMSETS,
    ActivateForm,
    GoBagForm,
    HealthForm,
    PlanAboutForm,
    PlanStartForm,
    ReviewForm,
    ScenarioAddForm,
    ScenarioForm,
    ScenarioTemplateForm,
    row_formset,
)
from ..forms.referrals import ServiceSearchForm
from ..models import EmergencyPlan, PlanPlace, ScenarioTemplate
from ..planning import SECTION_LABELS, SECTIONS, completeness, completeness_steps, diff
from ..selectors import plans as selectors

ROW_SECTIONS = ("contacts", "places", "documents")
EDIT_SECTIONS = ("about", *ROW_SECTIONS, "health", "go_bag", "review")
SEARCH_LIMIT = 8
PAGE_SIZE = 25


def _section_url(plan: EmergencyPlan, section: str) -> str:
    return reverse("emergencies:plan-section", kwargs={"pk": plan.pk, "section": section})


def _own_member(request) -> Member:
    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    return member


def _editable(request, pk: int):
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not access.can_edit:
        raise PermissionDenied
    return plan, access


def _draft_data(plan, request, section: str) -> tuple[QueryDict | None, object]:
    """What this person typed in the section and did not save, as posted data."""
    draft = plan.drafts.filter(section=section, author=request.user).first()
    if draft is None:
        return None, None
    data = QueryDict(mutable=True)
    for key, values in draft.data.items():
        data.setlist(key, values)
    return data, draft


def _posted(request) -> dict:
    return {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}


# --- The member's own plan -------------------------------------------------------------


def plan_me_view(request):
    """The member's entry: their plan, or the page to start one."""
    member = _own_member(request)
    plan = selectors.plan_of_member(member=member)
    if plan is not None:
        return redirect("emergencies:plan-detail", pk=plan.pk)
    needs_consent = not consent_active(member=member, purpose=ConsentPurpose.PLAN)
    form = PlanStartForm(request.POST or None, needs_consent=needs_consent)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                member=member,
                by=request.user,
                sharing=form.cleaned_data["sharing"],
                consent=form.cleaned_data.get("consent", False),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your plan is started. Take it one step at a time."))
            return redirect("emergencies:plan-detail", pk=plan.pk)
    return render(request, "emergencies/plans/plan_start.html", {"form": form, "member": member})


@role_required(Role.OPERATOR, Role.COORDINATOR)
def plan_start_for_member_view(request, member_pk: int):
    """An operator starts a plan with a person of the registry (shared with the
    operators from the start); the person's consent is recorded from paper."""
    member = get_object_or_404(
        Member.objects.for_association(request.association).filter(anonymised_at__isnull=True),
        pk=member_pk,
    )
    plan = selectors.plan_of_member(member=member)
    if plan is not None:
        return redirect("emergencies:plan-detail", pk=plan.pk)
    needs_consent = not consent_active(member=member, purpose=ConsentPurpose.PLAN)
    form = PlanStartForm(request.POST or None, needs_consent=needs_consent, for_self=False)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                member=member, by=request.user, consent=form.cleaned_data.get("consent", False)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("emergencies:plan-detail", pk=plan.pk)
    return render(
        request,
        "emergencies/plans/plan_start.html",
        {"form": form, "member": member, "for_member": True},
    )


def _plan_context(request, plan_pk: int, access) -> dict:
    plan = selectors.plan_full(user=request.user, pk=plan_pk)
    now = timezone.now()
    scenarios = list(plan.scenarios.all())
    for scenario in scenarios:
        # "Open now" and the phones of each linked service, from the prefetched rows.
        with_card_facts(scenario.resources.all(), at=now)
    facts = services.plan_facts(plan)
    score, next_step = completeness(facts)
    health_consent = consent_active(member=plan.member, purpose=ConsentPurpose.HEALTH)
    return {
        "plan": plan,
        "access": access,
        "scenarios": scenarios,
        "health": selectors.plan_health_of(plan, consented=health_consent),
        "health_consent": health_consent,
        "go_bag": selectors.go_bag_labels(plan.go_bag_items),
        "score": score,
        "next_step": next_step,
        "steps": completeness_steps(facts),
        "heads": _section_heads(plan, access, request.user),
        "activation": selectors.open_activation(plan),
    }


def _section_heads(plan, access, viewer) -> dict[str, dict]:
    """Each section's title, edit link and last change (who, when: shown when it was
    someone else; the history page lists every change)."""
    authors = selectors.plan_section_authors(plan)
    return {
        name: {
            "name": name,
            "label": SECTION_LABELS[name],
            "author": authors.get(name),
            "can_edit": access.can_edit,
            "plan_pk": plan.pk,
            "viewer_id": viewer.pk,
        }
        for name in SECTIONS
    }


def plan_detail_view(request, pk: int):
    _plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    context = _plan_context(request, pk, access)
    # The code word is for the member's eyes: their own plan page is the one place.
    context["show_code_word"] = access.is_owner
    return render(request, "emergencies/plans/plan_detail.html", context)


# --- Sections --------------------------------------------------------------------------


def plan_section_view(request, pk: int, section: str):
    """One section on one screen. Saving writes a version; "add another" without
    JavaScript, and a form with errors, come back with every typed value."""
    if section == "scenarios":
        return _scenarios_page(request, pk)
    if section not in EDIT_SECTIONS:
        raise Http404
    plan, access = _editable(request, pk)
    handler = _SECTION_HANDLERS[section]
    draft = None
    if request.method == "POST":
        data = request.POST
    else:
        data, draft = _draft_data(plan, request, section)
    context = handler(request, plan, access, data, saving=request.method == "POST")
    if isinstance(context, HttpResponse):
        return context
    if draft is not None:
        context["draft"] = draft
        for form in context.get("forms", []):
            form.helper.form_show_errors = False  # a draft is not a failed save
    context.update(
        plan=plan,
        access=access,
        section=section,
        section_label=SECTION_LABELS[section],
        sections=[(name, SECTION_LABELS[name]) for name in SECTIONS],
        draft_url=reverse("emergencies:plan-draft", kwargs={"pk": plan.pk, "section": section}),
    )
    return render(request, f"emergencies/plans/section_{section}.html", context)


def _saved(request, plan, section: str):
    messages.success(request, _("Saved: %(section)s.") % {"section": SECTION_LABELS[section]})
    if "next" in request.POST:
        following = SECTIONS[(SECTIONS.index(section) + 1) % len(SECTIONS)]
        return redirect(_section_url(plan, following))
    return redirect("emergencies:plan-detail", pk=plan.pk)


def _about(request, plan, access, data, *, saving):
    form = PlanAboutForm(data, instance=plan, is_owner=access.is_owner)
    if saving and form.is_valid():
        services.plan_about_save(
            plan=plan,
            by=request.user,
            household=form.cleaned_data["household"],
            dependants=form.cleaned_data["dependants"],
            languages=form.cleaned_data["languages"],
            interpreter_needed=form.cleaned_data["interpreter_needed"],
            accessibility_needs=form.cleaned_data["accessibility_needs"],
            sharing=form.cleaned_data["sharing"],
        )
        return _saved(request, plan, "about")
    return {"form": form, "forms": [form]}


def _rows(section):
    def handler(request, plan, access, data, *, saving):
        queryset = getattr(plan, section).all()
        adding = saving and "add_row" in request.POST
        formset = row_formset(section, queryset, data, add_rows=1 if adding else 0)
        if adding:
            for form in formset.forms:
                form.helper.form_show_errors = False  # not a save: errors wait for it
            return {"formset": formset, "forms": formset.forms}
        if saving and formset.is_valid():
            try:
                services.plan_rows_save(
                    plan=plan, by=request.user, section=section, rows=formset.rows()
                )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                return _saved(request, plan, section)
        context = {"formset": formset, "forms": formset.forms}
        if section == "places":
            context.update(_map_search(request))
        return context

    return handler


def _map_search(request) -> dict:
    """Places of the resource map to add to the plan (shelters, food points...)."""
    search = ServiceSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    found = []
    if query:
        found = with_card_facts(
            search_services(service_directory(user=request.user), query).order_by(
                "-search_rank", "name"
            )[:SEARCH_LIMIT],
            at=timezone.now(),
        )
    return {
        "search_form": search,
        "query": query,
        "services_found": found,
        "place_kinds": PlanPlace.Kind.choices,
    }


@require_POST
def plan_place_from_service_view(request, pk: int):
    """Add a service of the map as a place of the plan (a plain form per result)."""
    plan, _access = _editable(request, pk)
    try:
        service = service_directory(user=request.user).get(pk=request.POST.get("service"))
    except (Service.DoesNotExist, ValidationError, ValueError):
        messages.error(request, _("Choose one of the places found on the map."))
        return redirect(_section_url(plan, "places"))
    kind = request.POST.get("kind")
    if kind not in PlanPlace.Kind.values:
        kind = PlanPlace.Kind.OTHER
    services.plan_place_from_service(plan=plan, by=request.user, service=service, kind=kind)
    messages.success(request, _("Added to your places: %(name)s.") % {"name": service.name})
    return redirect(_section_url(plan, "places"))


def _health(request, plan, access, data, *, saving):
    if not consent_active(member=plan.member, purpose=ConsentPurpose.HEALTH):
        return {"forms": [], "no_consent": True}
    instance = selectors.plan_health_of(plan)
    form = HealthForm(data, instance=instance)
    if saving and form.is_valid():
        services.plan_health_save(plan=plan, by=request.user, **form.cleaned_data)
        return _saved(request, plan, "health")
    return {"form": form, "forms": [form]}


def _go_bag(request, plan, access, data, *, saving):
    form = GoBagForm(
        data,
        initial={
            "items": plan.go_bag_items,
            "other": plan.go_bag_other,
            "money_notes": plan.money_notes,
        },
    )
    if saving and form.is_valid():
        services.plan_go_bag_save(
            plan=plan,
            by=request.user,
            items=form.cleaned_data["items"],
            other=form.cleaned_data["other"],
            money_notes=form.cleaned_data["money_notes"],
        )
        return _saved(request, plan, "go_bag")
    return {"form": form, "forms": [form]}


def _review(request, plan, access, data, *, saving):
    form = ReviewForm(data, instance=plan)
    if saving and form.is_valid():
        services.plan_review_settings_save(
            plan=plan,
            by=request.user,
            review_every_months=form.cleaned_data["review_every_months"],
            next_review_on=form.cleaned_data["next_review_on"],
        )
        return _saved(request, plan, "review")
    since = plan.versions.filter(number=plan.reviewed_version).first()
    current = plan.versions.filter(number=plan.version).first()
    changes = (
        selectors.readable_changes(diff(since.snapshot, current.snapshot))
        if since is not None and current is not None and plan.reviewed_version
        else None
    )
    return {"form": form, "forms": [form], "changes": changes}


_SECTION_HANDLERS = {
    "about": _about,
    "contacts": _rows("contacts"),
    "places": _rows("places"),
    "documents": _rows("documents"),
    "health": _health,
    "go_bag": _go_bag,
    "review": _review,
}


def plan_row_add_view(request, pk: int, section: str):
    """One more empty row (htmx) and the formset's new count out of band. Without
    JavaScript the "add another" button posts the form instead."""
    _editable(request, pk)  # the plan is not needed: only the right to edit it
    prefix = "actions" if section == "actions" else section
    if prefix not in (*ROW_SECTIONS, "actions"):
        raise Http404
    try:
        index = int(request.GET.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    index = max(0, min(index, 29))
    formset = row_formset(prefix, FORMSETS[prefix].model.objects.none())
    form = formset._construct_form(index, empty_permitted=True, use_required_attribute=False)
    return render(
        request,
        "emergencies/plans/_row_add.html",
        {"form": form, "total": index + 1, "prefix": prefix},
    )


@require_POST
def plan_draft_view(request, pk: int, section: str):
    """Autosave: keep what is typed in a section, not yet a version."""
    plan, _access = _editable(request, pk)
    if section not in EDIT_SECTIONS and not section.startswith("scenario-"):
        raise Http404
    services.plan_draft_save(plan=plan, by=request.user, section=section, data=_posted(request))
    return render(request, "emergencies/plans/_draft_status.html", {"saved_at": timezone.now()})


@require_POST
def plan_draft_discard_view(request, pk: int, section: str):
    plan, _access = _editable(request, pk)
    services.plan_draft_discard(plan=plan, by=request.user, section=section)
    if section.startswith("scenario-"):
        return redirect(
            "emergencies:plan-scenario", pk=plan.pk, scenario_pk=section.removeprefix("scenario-")
        )
    return redirect(_section_url(plan, section))


# --- Scenarios -------------------------------------------------------------------------


def _templates(plan):
    services.scenario_templates_seed_defaults(association=plan.association)
    taken = plan.scenarios.exclude(template__isnull=True).values("template_id")
    return ScenarioTemplate.objects.filter(association=plan.association, is_active=True).exclude(
        pk__in=taken
    )


def _scenarios_page(request, pk: int, *, form=None):
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    form = form or ScenarioAddForm(templates=_templates(plan))
    return render(
        request,
        "emergencies/plans/section_scenarios.html",
        {
            "plan": plan,
            "access": access,
            "section": "scenarios",
            "section_label": SECTION_LABELS["scenarios"],
            "sections": [(name, SECTION_LABELS[name]) for name in SECTIONS],
            "scenarios": plan.scenarios.prefetch_related("actions", "resources"),
            "form": form,
        },
    )


@require_POST
def plan_scenario_add_view(request, pk: int):
    plan, _access = _editable(request, pk)
    form = ScenarioAddForm(request.POST, templates=_templates(plan))
    if form.is_valid():
        try:
            scenario = services.plan_scenario_add(
                plan=plan,
                by=request.user,
                template=form.cleaned_data["template"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("emergencies:plan-scenario", pk=plan.pk, scenario_pk=scenario.pk)
    return _scenarios_page(request, pk, form=form)


def _scenario_services(request, scenario, query: str):
    """The services to offer: those linked already, and the search's best results."""
    visible = service_directory(user=request.user)
    linked = list(scenario.resources.values_list("pk", flat=True))
    # Ticked in an earlier search of the same unsaved form: still offered, still ticked.
    linked += [int(value) for value in request.POST.getlist("resources") if value.isdigit()]
    found = []
    if query:
        found = list(
            search_services(visible, query)
            .order_by("-search_rank", "name")
            .values_list("pk", flat=True)[:SEARCH_LIMIT]
        )
    return visible.filter(pk__in=[*linked, *found]).order_by("name"), bool(query) and not found


def plan_scenario_view(request, pk: int, scenario_pk: int):
    """One scenario: its texts, the ordered first actions (rows), and the services of
    the map it links to (found with a search on the same page)."""
    plan, access = _editable(request, pk)
    scenario = get_object_or_404(plan.scenarios, pk=scenario_pk)
    draft_section = f"scenario-{scenario.pk}"
    search = ServiceSearchForm(request.GET or request.POST or None)
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    choices, nothing_found = _scenario_services(request, scenario, query)
    draft = None
    if request.method == "POST":
        data = request.POST
    else:
        data, draft = _draft_data(plan, request, draft_section)
    form = ScenarioForm(data, instance=scenario, is_owner=access.is_owner, services=choices)
    adding = request.method == "POST" and "add_row" in request.POST
    searching = request.method == "POST" and "search" in request.POST
    actions = row_formset("actions", scenario.actions.all(), data, add_rows=1 if adding else 0)
    if adding or searching or draft is not None:
        for each in [form, *actions.forms]:
            each.helper.form_show_errors = False
    elif request.method == "POST" and all([form.is_valid(), actions.is_valid()]):
        try:
            services.plan_scenario_save(
                scenario=scenario,
                by=request.user,
                title=form.cleaned_data["title"],
                warning_signs=form.cleaned_data["warning_signs"],
                coping=form.cleaned_data["coping"],
                code_word=form.cleaned_data.get("code_word", ""),
                resources=form.cleaned_data["resources"],
                actions=actions.rows(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved: %(scenario)s.") % {"scenario": scenario.title})
            return redirect(_section_url(plan, "scenarios"))
    return render(
        request,
        "emergencies/plans/scenario_form.html",
        {
            "plan": plan,
            "access": access,
            "scenario": scenario,
            "form": form,
            "actions": actions,
            "search_form": search,
            "nothing_found": nothing_found,
            "services_found": with_card_facts(choices, at=timezone.now()),
            "selected": _selected_ids(form),
            "draft": draft,
            "draft_section": draft_section,
            "draft_url": reverse(
                "emergencies:plan-draft", kwargs={"pk": plan.pk, "section": draft_section}
            ),
            "section": "scenarios",
            "section_label": SECTION_LABELS["scenarios"],
            "sections": [(name, SECTION_LABELS[name]) for name in SECTIONS],
        },
    )


def _selected_ids(form) -> set[int]:
    """The services ticked: as posted (or drafted), else as saved."""
    selected = set()
    for value in form["resources"].value() or []:
        try:
            selected.add(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            continue
    return selected


@require_POST
def plan_scenario_remove_view(request, pk: int, scenario_pk: int):
    plan, _access = _editable(request, pk)
    scenario = get_object_or_404(plan.scenarios, pk=scenario_pk)
    services.plan_scenario_remove(scenario=scenario, by=request.user)
    messages.success(request, _("Scenario removed."))
    return redirect(_section_url(plan, "scenarios"))


# --- Review and versions -----------------------------------------------------------------


@require_POST
def plan_review_done_view(request, pk: int):
    plan, _access = _editable(request, pk)
    plan = services.plan_review_done(plan=plan, by=request.user)
    messages.success(
        request,
        _("Thank you: your plan is reviewed. Next review: %(date)s.")
        % {"date": plan.next_review_on.strftime("%d/%m/%Y")},
    )
    return redirect("emergencies:plan-detail", pk=plan.pk)


def plan_history_view(request, pk: int):
    """Every version, newest first, with who made it and what it changed."""
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    versions = list(selectors.plan_versions(plan)[:50])
    rows = []
    olders = [*versions[1:], None] if versions else []
    for newer, older in zip(versions, olders, strict=True):
        changes = diff(older.snapshot, newer.snapshot) if older is not None else []
        rows.append({"version": newer, "changes": selectors.readable_changes(changes)})
    return render(
        request,
        "emergencies/plans/plan_history.html",
        {"plan": plan, "access": access, "rows": rows, "section_labels": SECTION_LABELS},
    )


# --- Activation ---------------------------------------------------------------------------


def plan_activate_view(request):
    """ "I am in this crisis now": the member's own plan only, confirmed on one page
    that says who will be told (and that operators will see a private plan)."""
    member = _own_member(request)
    plan = selectors.plan_of_member(member=member)
    if plan is None:
        messages.info(request, _("You have no plan yet: start it, even just with a contact."))
        return redirect("emergencies:plan-me")
    form = ActivateForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        _activation, created = services.plan_activate(
            plan=plan, by=request.user, scenario=form.cleaned_data["scenario"]
        )
        if created:
            messages.warning(
                request,
                _("Your plan is activated. The operators on duty are told now. Stay safe."),
            )
        else:
            messages.info(request, _("Your plan was already activated: the operators know."))
        return redirect("emergencies:plan-detail", pk=plan.pk)
    return render(
        request,
        "emergencies/plans/plan_activate.html",
        {
            "plan": plan,
            "form": form,
            "told": plan.contacts.filter(alert_on_activation=True),
        },
    )


# --- Print and wallet card -----------------------------------------------------------


def plan_print_view(request, pk: int):
    _plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    context = _plan_context(request, pk, access)
    context.update(printed_at=timezone.now(), printing=True)
    return render(request, "emergencies/plans/plan_print.html", context)


def _card_languages(plan) -> list[str]:
    """The member's language and Italian, each once."""
    own = plan.member.user.language if plan.member.user_id else "it"
    return list(dict.fromkeys([own or "it", "it"]))


def plan_card_view(request, pk: int):
    """A wallet card with the essentials, in the member's language and in Italian for
    the people they show it to. No code word, no health details beyond allergies."""
    _plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    plan = selectors.plan_full(user=request.user, pk=pk)
    health = selectors.plan_health_of(plan)
    contacts = [c for c in plan.contacts.all() if c.phone][:4]
    safe_place = next((p for p in plan.places.all() if p.kind == "safe_place"), None)
    cards = []
    for language in _card_languages(plan):
        with translation.override(language):
            cards.append(
                render_to_string(
                    "emergencies/plans/_wallet_card.html",
                    {
                        "plan": plan,
                        "contacts": contacts,
                        "safe_place": safe_place,
                        "allergies": health.allergies if health else "",
                        "language_code": language,
                    },
                )
            )
    return render(
        request,
        "emergencies/plans/plan_card.html",
        {"plan": plan, "access": access, "cards": cards},
    )


# --- Staff ------------------------------------------------------------------------------


@role_required(Role.OPERATOR, Role.COORDINATOR)
def plan_list_view(request):
    """The plans members share with the association's operators (and those activated),
    the ones due for review first."""
    plans = selectors.staff_plan_list(association=request.association)
    if request.GET.get("due"):
        plans = plans.filter(next_review_on__lte=timezone.localdate())
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "emergencies/plans/plan_list.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "due": bool(request.GET.get("due")),
            "querystring": "due=1" if request.GET.get("due") else "",
        },
    )


@role_required(Role.COORDINATOR)
def scenario_template_list_view(request):
    services.scenario_templates_seed_defaults(association=request.association)
    templates = ScenarioTemplate.objects.for_association(request.association)
    return render(request, "emergencies/plans/template_list.html", {"templates": templates})


@role_required(Role.COORDINATOR)
def scenario_template_edit_view(request, pk: int):
    template = get_object_or_404(
        ScenarioTemplate.objects.for_association(request.association), pk=pk
    )
    form = ScenarioTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.scenario_template_save(template=template, by=request.user, **form.cleaned_data)
        messages.success(request, _("Template saved: new plans use it from now on."))
        return redirect("emergencies:scenario-template-list")
    return render(
        request, "emergencies/plans/template_form.html", {"form": form, "template": template}
    )


urlpatterns = [
    path("plan/", plan_me_view, name="plan-me"),
    path("plan/activate/", plan_activate_view, name="plan-activate"),
    path("plans/", plan_list_view, name="plan-list"),
    path("plans/new/<int:member_pk>/", plan_start_for_member_view, name="plan-start-for"),
    path("plans/templates/", scenario_template_list_view, name="scenario-template-list"),
    path("plans/templates/<int:pk>/", scenario_template_edit_view, name="scenario-template-edit"),
    path("plans/<int:pk>/", plan_detail_view, name="plan-detail"),
    path("plans/<int:pk>/history/", plan_history_view, name="plan-history"),
    path("plans/<int:pk>/print/", plan_print_view, name="plan-print"),
    path("plans/<int:pk>/card/", plan_card_view, name="plan-card"),
    path("plans/<int:pk>/review/done/", plan_review_done_view, name="plan-review-done"),
    path("plans/<int:pk>/scenarios/add/", plan_scenario_add_view, name="plan-scenario-add"),
    path(
        "plans/<int:pk>/scenarios/<int:scenario_pk>/",
        plan_scenario_view,
        name="plan-scenario",
    ),
    path(
        "plans/<int:pk>/scenarios/<int:scenario_pk>/remove/",
        plan_scenario_remove_view,
        name="plan-scenario-remove",
    ),
    path("plans/<int:pk>/draft/<str:section>/", plan_draft_view, name="plan-draft"),
    path(
        "plans/<int:pk>/draft/<str:section>/discard/",
        plan_draft_discard_view,
        name="plan-draft-discard",
    ),
    path("plans/<int:pk>/rows/<str:section>/", plan_row_add_view, name="plan-row-add"),
    path(
        "plans/<int:pk>/places/from-map/",
        plan_place_from_service_view,
        name="plan-place-from-service",
    ),
    path("plans/<int:pk>/<str:section>/", plan_section_view, name="plan-section"),
]
