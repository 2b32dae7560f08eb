"""Keeping the map true: creating a resource, changing it, verifying it, and reminding
the maintaining association when nobody has verified a service for a long time.

simple_history records every save and delete of organizations, services, locations and
schedules; in a request its middleware stamps the user who made the change.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from members.models import STAFF_ROLES, Association, Membership, Role, User
from members.selectors import membership_in
from members.services import notify_many

from ..models import Location, Organization, Phone, Schedule, Service, ServiceAtLocation

SERVICE_M2M = ("categories", "languages")
PHONE_FIELDS = ("number", "type", "description")
WEEKLY_FIELDS = ("byday", "opens_at", "closes_at", "description")
EXCEPTION_FIELDS = ("valid_from", "valid_to", "opens_at", "closes_at", "description")


def _assign(obj: models.Model, data: dict) -> list[str]:
    """Set ``data`` on ``obj``; the names of the fields whose value changed."""
    changed = []
    for name, value in data.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _save_changes(obj: models.Model, changed: list[str]) -> None:
    """Save only what changed: an unchanged record gets no new history row."""
    if not changed:
        return
    obj.full_clean()
    extra = ["updated_at"] if hasattr(obj, "updated_at") else []
    obj.save(update_fields=[*changed, *extra])


def _create(model: type[models.Model], **values) -> models.Model:
    obj = model(**values)
    obj.full_clean()
    obj.save()
    return obj


def _sync_rows(
    *, model, service: Service, rows: list[dict], fields: tuple[str, ...], extra: dict
) -> None:
    """Apply the rows of a formset (see ``forms.formset_rows``) to ``service``'s rows,
    compared with what is stored (a row of another service is refused)."""
    ids = [row["id"] for row in rows if row.get("id") is not None]
    stored = {obj.pk: obj for obj in model.objects.filter(service=service, pk__in=ids)}
    for row in rows:
        values = {name: row.get(name) for name in fields}
        if row.get("id") is None:
            if not row.get("delete"):
                _create(model, service=service, **extra, **values)
            continue
        instance = stored.get(row["id"])
        if instance is None:
            raise PermissionDenied
        if row.get("delete"):
            instance.delete()
        else:
            _save_changes(instance, _assign(instance, {**extra, **values}))


def _sync_all_rows(
    *, service: Service, phones: list[dict], weekly_hours: list[dict], exceptions: list[dict]
) -> None:
    _sync_rows(model=Phone, service=service, rows=phones, fields=PHONE_FIELDS, extra={})
    _sync_rows(
        model=Schedule,
        service=service,
        rows=weekly_hours,
        fields=WEEKLY_FIELDS,
        extra={"freq": Schedule.Freq.WEEKLY},
    )
    _sync_rows(
        model=Schedule,
        service=service,
        rows=exceptions,
        fields=EXCEPTION_FIELDS,
        extra={"freq": Schedule.Freq.NONE, "byday": ""},
    )


def _split_m2m(data: dict) -> tuple[dict, dict]:
    scalars = {k: v for k, v in data.items() if k not in SERVICE_M2M}
    m2m = {k: v for k, v in data.items() if k in SERVICE_M2M}
    return scalars, m2m


def _set_m2m(service: Service, m2m: dict) -> None:
    for name, values in m2m.items():
        manager = getattr(service, name)
        if {obj.pk for obj in manager.all()} != {obj.pk for obj in values}:
            manager.set(values)


@transaction.atomic
def resource_create(
    *,
    association: Association,
    by: User,
    organization: Organization | None,
    organization_data: dict,
    service_data: dict,
    location_data: dict,
    phones: list[dict],
    weekly_hours: list[dict],
    exceptions: list[dict],
) -> Service:
    """A new resource maintained by ``association``: its organization (unless an
    existing one of the association's is given), the service, one place, phones and
    opening hours. Whoever enters it has just checked it, so it starts verified."""
    membership = membership_in(by, association.pk)
    if membership is None or not membership.has_role(*STAFF_ROLES):
        raise PermissionDenied
    now = timezone.now()
    verified = {"maintained_by": association, "last_verified_at": now, "last_verified_by": by}
    if organization is None:
        organization = _create(Organization, **verified, **organization_data)
    elif organization.maintained_by_id != association.pk:
        raise PermissionDenied
    scalars, m2m = _split_m2m(service_data)
    service = _create(Service, organization=organization, **verified, **scalars)
    _set_m2m(service, m2m)
    location = _create(Location, organization=organization, **verified, **location_data)
    _create(ServiceAtLocation, service=service, location=location)
    _sync_all_rows(service=service, phones=phones, weekly_hours=weekly_hours, exceptions=exceptions)
    return service


def service_location(service: Service) -> Location | None:
    """The place a service is edited with (the first one it was given)."""
    return service.locations.order_by("created_at").first()


@transaction.atomic
def resource_update(
    *,
    service: Service,
    by: User,
    organization_data: dict | None,
    service_data: dict,
    location_data: dict | None,
    phones: list[dict],
    weekly_hours: list[dict],
    exceptions: list[dict],
    mark_verified: bool = False,
) -> Service:
    """Change a service with its organization and its place (``organization_data`` or
    ``location_data`` None: left as it is), phones and opening hours; only what changed
    is saved."""
    if not by.has_perm("resources.change_service", service):
        raise PermissionDenied
    # Compared with the stored rows, locked: the caller's copies may hold form values.
    service = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    organization = service.organization
    if organization_data is not None:
        if not by.has_perm("resources.change_organization", organization):
            raise PermissionDenied
        _save_changes(organization, _assign(organization, organization_data))
    scalars, m2m = _split_m2m(service_data)
    _save_changes(service, _assign(service, scalars))
    _set_m2m(service, m2m)
    location = service_location(service)
    if location_data is not None:
        if location is None:
            location = _create(
                Location,
                organization=organization,
                maintained_by=service.maintained_by,
                **location_data,
            )
            _create(ServiceAtLocation, service=service, location=location)
        elif by.has_perm("resources.change_location", location):
            _save_changes(location, _assign(location, location_data))
        else:
            raise PermissionDenied
    _sync_all_rows(service=service, phones=phones, weekly_hours=weekly_hours, exceptions=exceptions)
    if mark_verified:
        _stamp_verified(service=service, by=by, now=timezone.now())
    return service


def _stamp_verified(*, service: Service, by: User, now: datetime) -> None:
    # The organization and places are stamped too when the same association keeps
    # them: whoever checked the service checked its address and who runs it.
    records: list[models.Model] = [service]
    if by.has_perm("resources.change_organization", service.organization):
        records.append(service.organization)
    records += [
        loc for loc in service.locations.all() if by.has_perm("resources.change_location", loc)
    ]
    for record in records:
        record.last_verified_at = now
        record.last_verified_by = by
        record.save(update_fields=["last_verified_at", "last_verified_by", "updated_at"])


@transaction.atomic
def service_verify(*, service: Service, by: User) -> Service:
    """Someone of the maintaining association checked the resource: it is true today."""
    if not by.has_perm("resources.verify_service", service):
        raise PermissionDenied
    _stamp_verified(service=service, by=by, now=timezone.now())
    return service


# --- Reminders ------------------------------------------------------------------------


def stale_services(*, now: datetime | None = None):
    """Services still running that nobody has verified for NUCLEO_RESOURCE_STALE_AFTER."""
    cutoff = (now or timezone.now()) - settings.NUCLEO_RESOURCE_STALE_AFTER
    return (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff))
        .select_related("organization", "maintained_by")
        .order_by("maintained_by_id", "name")
    )


def services_remind_stale(*, now: datetime | None = None) -> int:
    """Tell the operators of the maintaining association about each stale service, at
    most once a month per service and person (the month is in the notification key, so
    a second run the same month sends nothing). Returns how many were told now."""
    now = now or timezone.now()
    month = timezone.localtime(now).strftime("%Y-%m")
    services = list(stale_services(now=now))
    operators: dict[int, list[User]] = {}
    for membership in (
        Membership.objects.filter(
            association_id__in={s.maintained_by_id for s in services}, user__is_active=True
        )
        .with_role(Role.OPERATOR)
        .select_related("user")
    ):
        operators.setdefault(membership.association_id, []).append(membership.user)
    months = round(settings.NUCLEO_RESOURCE_STALE_AFTER.days / 30.4)
    told = 0
    for service in services:
        recipients = operators.get(service.maintained_by_id)
        if not recipients:
            continue
        told += notify_many(
            recipients=recipients,
            kind="resources.stale",
            key_prefix=f"resources-stale:{service.id}:{month}",
            context={
                "service": service.name,
                "organization": service.organization.name,
                "months": months,
            },
            url=reverse("resources:service-edit", args=[service.pk]),
            association=service.maintained_by,
        )
    return told
