"""Pages of skill self-assessment: a member rates the skills of a course (before, after,
or both at the end on the retrospective form), sees their own growth, and the figures
per course and per support group of facilitators (the ones they run) and coordinators
(all of them)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from members.decorators import role_required
from members.forms.helpers import add_errors
from members.models import Role
from members.selectors import member_of_user
from training.models import Course, SupportGroup

from . import skills
from .models import SkillAssessment
from .views import date_param

Phase = SkillAssessment.Phase


class SkillLevelsForm(forms.Form):
    """One 1-5 choice per skill and phase the page asks (fields ``<phase>-<skill id>``),
    prefilled with the levels given already, so answering again changes them."""

    def __init__(self, *args, skills_asked, phases, **kwargs):
        super().__init__(*args, **kwargs)
        self.phases = phases
        self.skills_asked = skills_asked
        for skill in skills_asked:
            for phase in phases:
                self.fields[f"{phase}-{skill.pk}"] = forms.TypedChoiceField(
                    label=str(skill),
                    choices=[(level, str(level)) for level in skills.LEVELS],
                    coerce=int,
                    widget=forms.RadioSelect,
                    initial=getattr(skill, f"level_{phase}"),
                    error_messages={"required": _("Choose a number from 1 to 5.")},
                )

    def levels(self, phase: str) -> dict[int, int]:
        return {skill.pk: self.cleaned_data[f"{phase}-{skill.pk}"] for skill in self.skills_asked}

    def rows(self) -> list[tuple]:
        """(skill, [bound field per phase]) for the template."""
        return [
            (skill, [self[f"{phase}-{skill.pk}"] for phase in self.phases])
            for skill in self.skills_asked
        ]


def _own_member(request):
    member = member_of_user(user=request.user, association=request.association)
    if member is None:
        raise Http404(_("You have no entry in this association's registry."))
    return member


def skill_assess_view(request, course_pk: int, phase: str):
    member = _own_member(request)
    course = skills.course_for_assessment(member=member, course_pk=course_pk, form=phase)
    if course is None:
        raise Http404
    phases = skills.FORM_PHASES[phase]
    form = SkillLevelsForm(
        request.POST or None,
        skills_asked=skills.skills_to_assess(member=member, course=course),
        phases=phases,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if phase == "retro":
                skills.skill_assessment_save_retro(
                    member=member,
                    by=request.user,
                    course=course,
                    before=form.levels(Phase.RETRO_BEFORE),
                    after=form.levels(Phase.AFTER),
                )
            else:
                skills.skill_assessment_save(
                    member=member,
                    by=request.user,
                    course=course,
                    phase=phases[0],
                    levels=form.levels(phases[0]),
                )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("evaluation:skills-mine")
    return render(
        request,
        "evaluation/skills/assess.html",
        {"form": form, "course": course, "phase": phase, "phases": phases},
    )


def skills_mine_view(request):
    member = _own_member(request)
    return render(
        request,
        "evaluation/skills/mine.html",
        {
            "courses": skills.my_courses(member=member),
            "growth": skills.member_growth(member=member),
        },
    )


def _chosen(rows, pk: str):
    """``rows`` narrowed to the one asked for: 404 when it is not among them."""
    if not pk.isdigit() or not rows.filter(pk=pk).exists():
        raise Http404
    return rows.filter(pk=pk)


@role_required(Role.FACILITATOR, Role.COORDINATOR)
def course_figures_view(request):
    """A facilitator sees the courses they run and the groups they facilitate (another's
    answers 404), a coordinator every course and group of the association. Choosing a
    course (``?course=``) or a group (``?group=``) shows that one alone."""
    coordinator = request.membership.has_role(Role.COORDINATOR)
    courses = Course.objects.for_association(request.association)
    groups = SupportGroup.objects.for_association(request.association)
    if not coordinator:
        courses = courses.run_by(request.user)
        groups = groups.filter(facilitators=request.user)
    chosen_course = request.GET.get("course")
    chosen_group = request.GET.get("group")
    if chosen_course:
        courses = _chosen(courses, chosen_course)
    if chosen_group:
        groups = _chosen(groups, chosen_group)
    start = date_param(request, "start")
    end = date_param(request, "end")
    if start and end and end < start:
        start, end = end, start
    period = {"start": start if end else None, "end": end if start else None}
    show_courses = bool(chosen_course) or not chosen_group
    show_groups = bool(chosen_group) or not chosen_course
    return render(
        request,
        "evaluation/skills/course_figures.html",
        {
            "figures": skills.course_figures(courses=courses, **period) if show_courses else [],
            "group_figures": skills.group_figures(groups=groups, **period) if show_groups else [],
            "show_courses": show_courses,
            "show_groups": show_groups,
            "chosen_course": chosen_course,
            "chosen_group": chosen_group,
            "coordinator": coordinator,
            "start": start,
            "end": end,
        },
    )


urlpatterns = [
    path("skills/", skills_mine_view, name="skills-mine"),
    path(
        "skills/<int:course_pk>/<str:phase>/",
        skill_assess_view,
        name="skills-assess",
    ),
    path("skills/figures/", course_figures_view, name="course-figures"),
]
