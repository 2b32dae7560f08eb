"""The empowerment path: the day a person reached each stage, written once by the service
that causes it (registry, volunteers, roles here; the training app for "trained")."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from ..models import EmpowermentStage, EmpowermentStep, Member


def empowerment_record(
    *, member: Member, stage: str, at: datetime | None = None
) -> EmpowermentStep:
    """Record that ``member`` reached ``stage`` (idempotent: the first date stays)."""
    defaults = {"association_id": member.association_id}
    if at is not None:
        defaults["reached_at"] = at
    with transaction.atomic():
        step, _created = EmpowermentStep.objects.get_or_create(
            member=member, stage=EmpowermentStage(stage), defaults=defaults
        )
    return step


def empowerment_path(*, member: Member) -> list[dict]:
    """Every stage in order, with the date reached (or None): what the profile shows."""
    reached = {step.stage: step.reached_at for step in member.empowerment_steps.all()}
    return [
        {"stage": stage, "label": stage.label, "reached_at": reached.get(stage.value)}
        for stage in EmpowermentStage
    ]
