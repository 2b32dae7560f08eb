"""Reads of the resource map that pages and the map's JSON share."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import FloatField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from .models import Location, Schedule, Service, ServiceAtLocation
from .opening import DAYS, is_open

EARTH_RADIUS_KM = 6371.0


#: How far ahead a service's page lists holidays and special hours.
EXCEPTIONS_AHEAD = timedelta(days=60)


def service_directory(*, user) -> QuerySet[Service]:
    """The services ``user`` may see, with everything a list card, a map marker and
    "open now" need, fetched in a fixed number of queries whatever their number."""
    return (
        Service.objects.visible_to(user)
        .select_related("organization")
        .prefetch_related(
            "categories",
            "languages",
            "phones",
            Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at")),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "schedules", "location__schedules"
                ),
            ),
        )
    )


def service_detail() -> QuerySet[Service]:
    """What a service's page shows; anonymous visitors' access is checked by the view
    (a non-public service sends them to sign in rather than answering 404)."""
    return Service.objects.select_related("organization").prefetch_related(
        "categories",
        "languages",
        "required_documents",
        "phones",
        "organization__phones",
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "schedules", "location__schedules", "location__phones"
            ),
        ),
    )


def service_schedules(service: Service) -> list[Schedule]:
    """The opening hours of a service, from prefetched rows: its own and those at its
    places; when it states none, the hours of the places themselves."""
    rows = list(service.schedules.all())
    places = list(service.service_at_locations.all())
    for at_location in places:
        rows.extend(at_location.schedules.all())
    if not rows:
        for at_location in places:
            rows.extend(at_location.location.schedules.all())
    return rows


def service_places(service: Service) -> list[Location]:
    return [at_location.location for at_location in service.service_at_locations.all()]


def service_facts(service: Service, *, now: datetime) -> dict:
    """What a person needs to reach a service, as its page and a printed referral show
    it: places, phones (the service's, else its places' and organization's), whether it
    is open now, the weekly hours and the exceptions of the coming weeks."""
    today = timezone.localdate(now)
    rows = service_schedules(service)
    places = service_places(service)
    phones = list(service.phones.all())
    if not phones:
        phones = [phone for place in places for phone in place.phones.all()]
        phones += list(service.organization.phones.all())
    return {
        "places": places,
        "phones": phones,
        "open_now": is_open(rows, now),
        "has_hours": bool(rows),
        "weekly_hours": weekly_hours(rows, today),
        "exceptions": upcoming_exceptions(rows, today),
    }


def weekly_hours(rows, today: date) -> list[dict]:
    """Monday to Sunday, each with its opening times still valid from today."""
    weekly = [
        r
        for r in rows
        if r.freq == "WEEKLY"
        and r.opens_at is not None
        and r.closes_at is not None
        and (r.valid_to is None or r.valid_to >= today)
    ]
    days = []
    for index, code in enumerate(DAYS):
        times = sorted(
            ((r.opens_at, r.closes_at) for r in weekly if code in (r.byday or "").split(",")),
        )
        days.append({"name": WEEKDAYS[index], "times": times, "is_today": index == today.weekday()})
    return days


def upcoming_exceptions(rows, today: date) -> list:
    """Holidays and special hours from today to two months ahead, soonest first."""
    horizon = today + EXCEPTIONS_AHEAD
    found = [
        r
        for r in rows
        if not r.freq
        and r.valid_from is not None
        and r.valid_from <= horizon
        and (r.valid_to or r.valid_from) >= today
    ]
    return sorted(found, key=lambda r: (r.valid_from, r.opens_at or time.min))


def with_card_facts(services: Iterable[Service], *, at: datetime) -> list[Service]:
    """Evaluate ``services`` and set on each what a card or a marker shows: ``open_now``
    and ``has_hours``, ``accessible`` and ``cities``, all computed in Python from the
    prefetched rows (no query per service)."""
    result = list(services)
    for service in result:
        rows = service_schedules(service)
        places = service_places(service)
        service.has_hours = bool(rows)
        service.open_now = is_open(rows, at)
        service.accessible = any(place.wheelchair_accessible for place in places)
        service.cities = list(dict.fromkeys(place.city for place in places if place.city))
    return result


def haversine_km(latitude: float, longitude: float):
    """An expression: the great-circle distance in km from a point to a Location row.
    Plain SQL maths, so it runs on PostgreSQL and on SQLite alike."""
    lat0 = math.radians(latitude)
    lat = Radians(Cast("latitude", FloatField()))
    lon = Radians(Cast("longitude", FloatField()))
    half_dlat = (lat - Value(lat0)) / Value(2.0)
    half_dlon = (lon - Value(math.radians(longitude))) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(Sin(half_dlon), 2)
    # Rounding can push sqrt(a) a hair over 1, out of asin's domain.
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(a), Value(1.0)))


def within_distance(
    queryset: QuerySet[Service], *, latitude: float, longitude: float, radius_km: float
) -> QuerySet[Service]:
    """Services with a place within ``radius_km`` of the point, nearest first, each
    annotated with ``distance_km`` to its nearest place."""
    # A bounding box first, which the coordinates' comparison can narrow cheaply.
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(latitude)), 0.01))
    nearest = (
        Location.objects.filter(
            service_at_locations__service=OuterRef("pk"),
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
        .annotate(km=haversine_km(latitude, longitude))
        .order_by("km")
        .values("km")[:1]
    )
    return (
        queryset.annotate(distance_km=Subquery(nearest, output_field=FloatField()))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "name")
    )


def map_markers(*, service_ids) -> list[tuple]:
    """(service id, name, organization, address, city, latitude, longitude) of every
    geolocated place of the given services, in one query."""
    return list(
        ServiceAtLocation.objects.filter(
            service_id__in=service_ids,
            location__latitude__isnull=False,
            location__longitude__isnull=False,
        )
        .order_by("service__name", "location_id")
        .values_list(
            "service_id",
            "service__name",
            "service__organization__name",
            "location__address_1",
            "location__city",
            "location__latitude",
            "location__longitude",
        )
    )
