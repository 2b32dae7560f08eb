"""The access matrix's vocabulary, shared by tests/test_access_matrix.py and the
per-topic entry files ``tests/<app>/matrix_<topic>.py`` (each defines ``ENTRIES``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"  # anonymous → redirect to the login page


@dataclass
class Entry:
    """Expected statuses per role; ``kwargs`` builds the URL's arguments for an object
    of ``association`` (called anew for each request, so a POST can consume it)."""

    member: int
    facilitator: int
    operator: int
    coordinator: int
    anonymous: int | str = LOGIN
    method: str = "get"
    kwargs: Callable[[object], dict] | None = None
    data: dict = field(default_factory=dict)
    # What staff of another association get on this association's object: 404 where
    # the object is private to its association, 403 where they may see it but not act
    # (another association's resource on the shared map).
    other_association: int = 404

    @property
    def public(self) -> bool:
        return self.anonymous != LOGIN
