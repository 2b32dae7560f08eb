"""Every URL pattern of the project, walked from the resolver, against the access matrix.

Anonymous visitors are sent to the login page except on the declared public URLs; each
role of the association gets exactly the status the matrix says; another association's
objects answer 404. A URL added without an entry (here, or in the
``tests/<app>/matrix_<topic>.py`` files of later modules) fails
``test_every_url_pattern_has_an_entry``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members import services
from members.models import Delivery, Role
from tests.factories import AssociationFactory, InvitationFactory, MemberFactory, user_with_role
from tests.matrix import Entry

ROLES = ("member", "facilitator", "operator", "coordinator")


@dataclass
class World:
    association: object
    other_association: object
    clients: dict[str, Client]


def _member(association):
    return {"pk": MemberFactory(association=association).pk}


def _invitation_pk(association):
    return {"pk": InvitationFactory(association=association).pk}


def _invitation_token(association):
    return {"token": InvitationFactory(association=association).token}


def _notification_of_a_new_member(association):
    recipient = user_with_role(association, Role.MEMBER)
    return services.notify(
        recipient=recipient,
        kind="members.reminder",
        key=f"matrix:{recipient.pk}",
        context={"subject": "a session", "details": "tomorrow at 10"},
        association=association,
    )


def _someone_elses_notification(association):
    # The matrix's people are made per role: a fresh person's notification is nobody's
    # of theirs, so every role gets 404, whatever the association.
    return {"pk": _notification_of_a_new_member(association).pk}


def _failed_delivery(association):
    notification = _notification_of_a_new_member(association)
    delivery = notification.deliveries.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    return {"pk": delivery.pk}


MATRIX: dict[str, Entry] = {
    "home": Entry(200, 200, 200, 200),
    "healthz": Entry(200, 200, 200, 200, anonymous=200),
    "set_language": Entry(
        302, 302, 302, 302, anonymous=302, method="post", data={"language": "en"}
    ),
    "bench-floor": Entry(200, 200, 200, 200),
    "members:member-list": Entry(403, 403, 200, 200),
    "members:member-detail": Entry(403, 403, 200, 200, kwargs=_member),
    "members:member-create": Entry(403, 403, 200, 200),
    "members:member-edit": Entry(403, 403, 200, 200, kwargs=_member),
    "members:invitation-list": Entry(403, 403, 200, 200),
    "members:invitation-create": Entry(403, 403, 200, 200),
    "members:invitation-revoke": Entry(403, 403, 302, 302, method="post", kwargs=_invitation_pk),
    # The link is for the invited address: signed-in people with another one are refused.
    "members:invitation-accept": Entry(403, 403, 403, 403, anonymous=302, kwargs=_invitation_token),
    "members:signin-list": Entry(403, 403, 403, 200),
    "members:association-switch": Entry(302, 302, 302, 302, method="post"),
    "members:notification-list": Entry(200, 200, 200, 200),
    "members:notification-preferences": Entry(200, 200, 200, 200),
    "members:notification-read-all": Entry(302, 302, 302, 302, method="post"),
    "members:notification-open": Entry(404, 404, 404, 404, kwargs=_someone_elses_notification),
    "members:notification-read": Entry(
        404, 404, 404, 404, method="post", kwargs=_someone_elses_notification
    ),
    "members:delivery-list": Entry(403, 403, 403, 200),
    "members:delivery-retry": Entry(403, 403, 403, 302, method="post", kwargs=_failed_delivery),
}

# Entries of later modules live beside their tests: tests/<app>/matrix_<topic>.py.
for _module in sorted(Path(__file__).parent.glob("*/matrix_*.py")):
    _name = f"tests.{_module.parent.name}.{_module.stem}"
    MATRIX.update(importlib.import_module(_name).ENTRIES)

# allauth's pages: which an anonymous visitor may open, and with which answer. The rest
# of them need a signed-in person.
ALLAUTH_PUBLIC = {
    "account_login": 200,
    "account_logout": 302,
    "account_inactive": 200,
    "account_signup": 200,  # answers "sign-up is by invitation only"
    "account_email_verification_sent": 200,
    "account_confirm_login_code": 302,
    "account_confirm_email": 200,
    "account_reset_password": 200,
    "account_reset_password_done": 200,
    "account_reset_password_from_key": 200,
    "account_reset_password_from_key_done": 200,
    "mfa_authenticate": 302,
}
ALLAUTH_SIGNED_IN = {
    "account_reauthenticate",
    "account_email",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, namespace


ALL_PATTERNS = list(_walk(get_resolver().url_patterns))
OUR_NAMES = sorted(
    {name for _route, name, ns in ALL_PATTERNS if name and (ns is None or ns != "admin")}
    - set(ALLAUTH_PUBLIC)
    - ALLAUTH_SIGNED_IN
)
ADMIN_ROUTES = sorted({route for route, _name, ns in ALL_PATTERNS if ns == "admin"})


def test_every_url_pattern_has_an_entry():
    unnamed = [route for route, name, ns in ALL_PATTERNS if not name and ns != "admin"]
    assert unnamed == [], "every project URL needs a name to be in the matrix"
    missing = [name for name in OUR_NAMES if name not in MATRIX]
    assert missing == [], f"URLs without an entry in the access matrix: {missing}"
    stale = [name for name in MATRIX if name not in OUR_NAMES]
    assert stale == [], f"matrix entries for URLs that no longer exist: {stale}"


@pytest.fixture
def world(db) -> World:
    association = AssociationFactory()
    other = AssociationFactory()
    clients = {}
    for role in ROLES:
        client = Client()
        client.force_login(user_with_role(association, Role(role)))
        clients[role] = client
    return World(association=association, other_association=other, clients=clients)


def _request(client: Client, entry: Entry, url: str):
    return getattr(client, entry.method)(url, entry.data)


def _url(name: str, entry: Entry, association) -> str:
    return reverse(name, kwargs=entry.kwargs(association) if entry.kwargs else None)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_visitor(world, name):
    entry = MATRIX[name]
    response = _request(Client(), entry, _url(name, entry, world.association))
    if entry.public:
        assert response.status_code == entry.anonymous
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_status_of_the_matrix(world, name, role):
    entry = MATRIX[name]
    response = _request(world.clients[role], entry, _url(name, entry, world.association))
    assert response.status_code == getattr(entry, role), f"{role} on {name}"


@pytest.mark.parametrize(
    ("name", "role"),
    [
        (name, role)
        for name, entry in sorted(MATRIX.items())
        if entry.kwargs and not entry.public
        for role in ROLES
        # A role refused the URL altogether is refused before any object is looked up.
        if getattr(entry, role) != 403
    ],
)
def test_another_associations_object_answers_404(world, name, role):
    entry = MATRIX[name]
    response = _request(world.clients[role], entry, _url(name, entry, world.other_association))
    assert response.status_code == entry.other_association


@pytest.mark.parametrize("name", sorted(ALLAUTH_PUBLIC))
def test_allauth_public_pages_open_to_anonymous(db, name):
    kwargs = {
        "account_confirm_email": {"key": "not-a-key"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-key"},
    }.get(name)
    response = Client().get(reverse(name, kwargs=kwargs))
    assert response.status_code == ALLAUTH_PUBLIC[name]
    if response.status_code == 302:
        # Nothing public bounces to the login page as if it needed a session.
        assert not response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("name", sorted(ALLAUTH_SIGNED_IN))
def test_allauth_account_pages_need_a_signed_in_person(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _sample_path(route: str) -> str:
    """A concrete path for a route or regex pattern of the admin."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    path = re.sub(r"\(\?P<\w+>([\w-]+)(?:\|[^)]*)?\)", r"\1", path)  # first alternative
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return "/" + path.replace("^", "").replace("$", "")


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_admin_pages_send_anonymous_visitors_to_sign_in(db, route):
    response = Client().get(_sample_path(route))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_admin_refuses_people_without_admin_access(world):
    response = world.clients["coordinator"].get("/admin/", follow=True)
    assert response.status_code == 403
