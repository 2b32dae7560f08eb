import base64
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.models import Association, Member, Membership, User
from nucleo.management.commands.seed_demo import DEMO_PASSWORD
from resources.demo import RESOURCES
from resources.models import Organization, Partnership, Service
from tests.totp import totp_code


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_partnership_and_a_user_per_role(seeded_demo, db):
    output = seeded_demo
    assert set(Association.objects.values_list("name", flat=True)) == {
        "Migr-Azioni ETS",
        "Sì Teverola OdV ETS",
        "ContrastoTV APS",
    }
    expected = {
        "coordinator@nucleo.test": ("Migr-Azioni ETS", "coordinator"),
        "operator@nucleo.test": ("Migr-Azioni ETS", "operator"),
        "facilitator@nucleo.test": ("Migr-Azioni ETS", "facilitator"),
        "member@nucleo.test": ("Migr-Azioni ETS", "member"),
        "partner-operator@nucleo.test": ("Sì Teverola OdV ETS", "operator"),
    }
    for email, (association, role) in expected.items():
        membership = Membership.objects.get(user__email=email)
        assert membership.association.name == association
        assert [r.value for r in membership.roles] == [role]
        line = next(line for line in output.splitlines() if email in line)
        assert role in line and DEMO_PASSWORD in line
        assert ("TOTP secret:" in line) == (role in ("operator", "coordinator"))
    assert Member.objects.filter(user__email="member@nucleo.test").exists()


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Member.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
        Service.objects.count(),
        Partnership.objects.count(),
    )


def test_seed_demo_is_idempotent(seeded_demo, db):
    first = seeded_demo
    counts = _counts()
    second = _seed()
    assert _counts() == counts
    assert first == second  # same logins, same TOTP secrets


def test_seed_demo_fills_the_resource_map(seeded_demo, db):
    output = seeded_demo
    assert Service.objects.count() == len(RESOURCES)
    assert "Resource map: " in output


def test_demo_coordinator_signs_in_with_the_printed_totp_secret(seeded_demo, db):
    output = seeded_demo
    line = next(line for line in output.splitlines() if "coordinator@nucleo.test" in line)
    secret = line.split("TOTP secret:")[1].strip()
    base64.b32decode(secret)  # a real base32 secret an authenticator app accepts
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "coordinator@nucleo.test", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert 'data-role="coordinator"' in home.content.decode()


def test_seed_demo_fills_the_registry_and_the_solidarity_network(seeded_demo, db):
    from members.models import (
        Consent,
        EmpowermentStep,
        PrivacyNotice,
        VolunteerProfile,
        VolunteerRegisterEntry,
    )

    home = Association.objects.get(slug="migr-azioni")
    assert Member.objects.filter(association=home).count() >= 60
    volunteers = VolunteerProfile.objects.filter(association=home)
    assert volunteers.count() == 15
    assert all(v.skills.exists() and v.slots.exists() for v in volunteers)
    assert PrivacyNotice.objects.filter(association=home).exists()
    assert Consent.objects.filter(association=home, purpose="registry").count() >= 60
    assert VolunteerRegisterEntry.objects.filter(association=home).count() == 4
    assert EmpowermentStep.objects.filter(association=home, stage="volunteer").count() == 15
