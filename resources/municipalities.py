"""Municipalities of the Caserta area (and Naples) a visitor can measure distance from.

Coordinates are those of each town centre (the town hall, roughly): enough to say "within
10 km of Teverola" without asking anyone where they are.
"""

from __future__ import annotations

from typing import NamedTuple


class Municipality(NamedTuple):
    slug: str
    name: str
    latitude: float
    longitude: float


MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("aversa", "Aversa", 40.9730, 14.2065),
    Municipality("caivano", "Caivano", 40.9570, 14.3060),
    Municipality("cancello-ed-arnone", "Cancello ed Arnone", 41.0730, 14.0250),
    Municipality("capodrise", "Capodrise", 41.0430, 14.3010),
    Municipality("capua", "Capua", 41.1058, 14.2133),
    Municipality("casagiove", "Casagiove", 41.0760, 14.3110),
    Municipality("casal-di-principe", "Casal di Principe", 41.0098, 14.1310),
    Municipality("caserta", "Caserta", 41.0742, 14.3328),
    Municipality("castel-volturno", "Castel Volturno", 41.0322, 13.9428),
    Municipality("giugliano-in-campania", "Giugliano in Campania", 40.9280, 14.1950),
    Municipality("grazzanise", "Grazzanise", 41.0900, 14.1030),
    Municipality("lusciano", "Lusciano", 40.9700, 14.1900),
    Municipality("maddaloni", "Maddaloni", 41.0363, 14.3820),
    Municipality("marcianise", "Marcianise", 41.0330, 14.2985),
    Municipality("mondragone", "Mondragone", 41.1150, 13.8920),
    Municipality("napoli", "Napoli", 40.8518, 14.2681),
    Municipality("orta-di-atella", "Orta di Atella", 40.9650, 14.2680),
    Municipality("piedimonte-matese", "Piedimonte Matese", 41.3500, 14.3700),
    Municipality("san-felice-a-cancello", "San Felice a Cancello", 41.0130, 14.4830),
    Municipality("san-marco-evangelista", "San Marco Evangelista", 41.0210, 14.3420),
    Municipality("san-nicola-la-strada", "San Nicola la Strada", 41.0500, 14.3330),
    Municipality("santa-maria-capua-vetere", "Santa Maria Capua Vetere", 41.0822, 14.2575),
    Municipality("sessa-aurunca", "Sessa Aurunca", 41.2365, 13.9317),
    Municipality("teano", "Teano", 41.2510, 14.0670),
    Municipality("teverola", "Teverola", 40.9956, 14.2066),
    Municipality("trentola-ducenta", "Trentola Ducenta", 40.9760, 14.1760),
    Municipality("villa-literno", "Villa Literno", 41.0094, 14.0746),
)

BY_SLUG: dict[str, Municipality] = {m.slug: m for m in MUNICIPALITIES}

# Where the map opens when there is nothing to show: Caserta.
DEFAULT_CENTER = (BY_SLUG["caserta"].latitude, BY_SLUG["caserta"].longitude)


def choices() -> list[tuple[str, str]]:
    return [(m.slug, m.name) for m in MUNICIPALITIES]
