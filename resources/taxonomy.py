"""The default taxonomy of the directory, in Italian and English. Term ids are derived
from their codes, so they are the same in every database (and in exported files)."""

import uuid

NAMESPACE = uuid.UUID("6f1d3c9a-2b7e-4c55-9a41-3c2f0e1d7b10")
TAXONOMY_ID = uuid.uuid5(NAMESPACE, "nucleo-taxonomy")

# code, Italian, English, parent code
TERMS = [
    ("emergency", "Servizi di emergenza", "Emergency services", None),
    ("housing", "Casa e alloggio", "Housing", None),
    ("shelter", "Accoglienza notturna", "Night shelter", "housing"),
    ("food", "Cibo e beni di prima necessità", "Food and basic needs", None),
    ("food-bank", "Banco alimentare", "Food bank", "food"),
    ("canteen", "Mensa", "Soup kitchen", "food"),
    ("health", "Salute", "Health", None),
    ("hospital", "Ospedale e pronto soccorso", "Hospital and emergency room", "health"),
    ("womens-health", "Salute delle donne", "Women's health", "health"),
    ("mental-health", "Salute mentale", "Mental health", None),
    ("legal", "Assistenza legale", "Legal aid", None),
    ("documents", "Documenti e immigrazione", "Documents and immigration", None),
    ("work", "Lavoro", "Work", None),
    ("education", "Scuola e formazione", "Education", None),
    ("language-courses", "Corsi di italiano", "Italian courses", "education"),
    ("violence", "Sostegno contro la violenza", "Violence support", None),
    ("family", "Bambini e famiglia", "Children and family", None),
    ("social-services", "Servizi sociali", "Social services", None),
]


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"term:{code}")
