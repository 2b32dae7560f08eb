"""Suggestions: anyone with a place in an association proposes a new resource or a
correction; the maintaining association's operators accept it (the change is merged
into the map) or reject it with a reason. The person who suggested it is told either way.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import Association, User
from members.services import notify

from ..models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    Suggestion,
    TaxonomyTerm,
)

#: Correctable fields stored on the service itself (the rest: phone, address, city).
SERVICE_FIELDS = ("name", "description", "status", "url", "email")


class SuggestionAlreadyReviewed(Exception):
    """Someone else accepted or rejected it first."""


@transaction.atomic
def suggestion_create(
    *,
    by: User,
    association: Association | None,
    service: Service | None = None,
    payload: dict,
    message: str = "",
) -> Suggestion:
    """A correction goes to the association maintaining the service; a new resource to
    ``association`` (the suggester's active one)."""
    if not by.has_perm("resources.add_suggestion"):
        raise PermissionDenied
    if service is not None:
        association = service.maintained_by
    if association is None:
        raise PermissionDenied
    suggestion = Suggestion(
        association=association,
        service=service,
        suggested_by=by,
        payload=payload,
        message=message,
    )
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def _claim(suggestion: Suggestion, by: User) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != Suggestion.Status.PENDING:
        raise SuggestionAlreadyReviewed
    if not by.has_perm("resources.review_suggestion", locked):
        raise PermissionDenied
    return locked


def _first_location(service: Service) -> Location | None:
    return service.locations.order_by("created_at").first()


def _apply_correction(service: Service, proposed: dict, *, by: User) -> list[str]:
    """Apply a correction's proposed values; what could not be applied, said for the
    review note (a place another association keeps is theirs to change)."""
    not_applied = []
    changed = []
    for name in SERVICE_FIELDS:
        if name in proposed and getattr(service, name) != proposed[name]:
            setattr(service, name, proposed[name])
            changed.append(name)
    if changed:
        service.full_clean()
        service.save(update_fields=[*changed, "updated_at"])
    if "phone" in proposed:
        phone = service.phones.order_by("pk").first()
        if not proposed["phone"]:
            if phone is not None:
                phone.delete()
        elif phone is None:
            Phone.objects.create(service=service, number=proposed["phone"])
        else:
            phone.number = proposed["phone"]
            phone.full_clean()
            phone.save(update_fields=["number"])
    place = {
        field: proposed[key]
        for key, field in (("address", "address_1"), ("city", "city"))
        if key in proposed
    }
    if place:
        location = _first_location(service)
        if location is None:
            location = Location(
                organization=service.organization, maintained_by=service.maintained_by
            )
            for field, value in place.items():
                setattr(location, field, value)
            location.full_clean()
            location.save()
            ServiceAtLocation.objects.create(service=service, location=location)
        elif not by.has_perm("resources.change_location", location):
            not_applied.append(
                _(
                    "The address was not changed: the place is maintained by "
                    "%(association)s, ask them to correct it."
                )
                % {"association": location.maintained_by.name}
            )
        else:
            for field, value in place.items():
                setattr(location, field, value)
            location.full_clean()
            location.save(update_fields=[*place, "updated_at"])
    return not_applied


def _create_from_suggestion(suggestion: Suggestion) -> Service:
    """A new resource from a suggestion: not public until an operator has completed and
    published it, and not verified (so it is due for a check)."""
    payload, association = suggestion.payload, suggestion.association
    organization_name = payload.get("organization_name") or payload["name"]
    organization = (
        Organization.objects.maintained_by(association)
        .filter(name__iexact=organization_name)
        .first()
    )
    if organization is None:
        organization = Organization(name=organization_name, maintained_by=association)
        organization.full_clean()
        organization.save()
    service = Service(
        organization=organization,
        maintained_by=association,
        name=payload["name"],
        description=payload.get("description", ""),
        is_public=False,
    )
    service.full_clean()
    service.save()
    codes = payload.get("categories") or []
    if codes:
        service.categories.set(TaxonomyTerm.objects.filter(code__in=codes))
    if payload.get("address") or payload.get("city"):
        location = Location(
            organization=organization,
            maintained_by=association,
            address_1=payload.get("address", ""),
            city=payload.get("city", ""),
        )
        location.full_clean()
        location.save()
        ServiceAtLocation.objects.create(service=service, location=location)
    if payload.get("phone"):
        Phone.objects.create(service=service, number=payload["phone"])
    return service


def suggestion_subject(suggestion: Suggestion) -> str:
    if suggestion.service_id:
        return suggestion.service.name
    return suggestion.payload.get("name", "")


def _notify_suggester(suggestion: Suggestion) -> None:
    person = suggestion.suggested_by
    if person is None:
        return
    # The outcome is written in the person's language, like the rest of the message.
    with translation.override(person.language or settings.LANGUAGE_CODE):
        association = suggestion.association.name
        if suggestion.status == Suggestion.Status.ACCEPTED:
            outcome = _("accepted")
            details = _("Thank you: the operators of %(association)s applied it to the map.") % {
                "association": association
            }
        else:
            outcome = _("rejected")
            details = _("The operators of %(association)s gave this reason: %(reason)s") % {
                "association": association,
                "reason": suggestion.review_note,
            }
    notify(
        recipient=person,
        kind="resources.suggestion_reviewed",
        key=f"resources-suggestion-reviewed:{suggestion.pk}",
        context={
            "subject": suggestion_subject(suggestion),
            "outcome": str(outcome),
            "details": str(details),
        },
        url=reverse("resources:suggestion-mine"),
        association=suggestion.association,
    )


def _close(suggestion: Suggestion, *, status: str, by: User, note: str) -> None:
    suggestion.status = status
    suggestion.reviewed_by = by
    suggestion.reviewed_at = timezone.now()
    suggestion.review_note = note
    suggestion.full_clean()
    suggestion.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "service"]
    )
    _notify_suggester(suggestion)


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, by: User, note: str = "") -> Service:
    """Merge the suggestion into the map: a correction's proposed values are applied
    to the service, a new resource is created (hidden from the public)."""
    suggestion = _claim(suggestion, by)
    if suggestion.service_id:
        service = suggestion.service
        if not by.has_perm("resources.change_service", service):
            raise PermissionDenied
        not_applied = _apply_correction(service, suggestion.payload.get("proposed", {}), by=by)
        note = "\n".join(part for part in (note, *not_applied) if part)
    else:
        service = _create_from_suggestion(suggestion)
        suggestion.service = service
    _close(suggestion, status=Suggestion.Status.ACCEPTED, by=by, note=note)
    return service


@transaction.atomic
def suggestion_reject(*, suggestion: Suggestion, by: User, note: str) -> Suggestion:
    if not note.strip():
        raise ValueError("A rejection needs a reason: the suggester reads it.")
    suggestion = _claim(suggestion, by)
    _close(suggestion, status=Suggestion.Status.REJECTED, by=by, note=note.strip())
    return suggestion
