"""Awareness and advocacy campaigns and the materials library.

Coordinators write campaigns and record actions; facilitators and operators read them;
members do not see them. Coordinators and facilitators keep the library, whose files
are checked by their bytes and stored outside the public media path; everyone of the
association lists and downloads them. Another association's campaign or material
answers 404."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Language, Role
from tests.factories import user_with_role
from training.models import Campaign, CampaignAction, Material, MaterialFile
from training.models.campaigns import MAX_MATERIAL_BYTES
from training.selectors import campaign_totals
from training.services import campaigns as services

from .factories import CourseFactory, GroupFactory, SessionFactory
from .factories_campaigns import (
    PDF,
    CampaignActionFactory,
    CampaignFactory,
    MaterialFactory,
    material_file,
)

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


def _png() -> bytes:
    """A one-pixel PNG: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx() -> bytes:
    """The first entries of a Word document, as Word writes them."""
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
        ]
    )


def _odt() -> bytes:
    """An OpenDocument text: its uncompressed ``mimetype`` entry comes first."""
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
        ]
    )


@pytest.fixture(autouse=True)
def media_roots(settings, tmp_path) -> tuple[Path, Path]:
    """Public media and private files of these tests go to the test's own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)


def _stored(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _testids(response, testid: str) -> int:
    return response.content.decode().count(f'data-testid="{testid}"')


# --- Campaigns: writing -----------------------------------------------------------------


def _campaign_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "kind": Campaign.Kind.ADVOCACY,
        "title": "Residenza per tutti",
        "goal": "Chiedere al Comune l'iscrizione anagrafica di chi vive in strada.",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        "audience": "Consiglio comunale",
        "languages": ["it", "en"],
        "channels": "Incontri, petizione",
        "materials": [],
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_campaign_with_its_languages_and_materials(coordinator_client):
    material = MaterialFactory(association=coordinator_client.association)
    response = coordinator_client.post(
        reverse("training:campaign-create"), _campaign_data(materials=[material.pk])
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:campaign-detail", args=[campaign.pk])
    assert campaign.association == coordinator_client.association
    assert campaign.created_by == coordinator_client.user
    assert (campaign.kind, campaign.title) == (Campaign.Kind.ADVOCACY, "Residenza per tutti")
    assert sorted(campaign.languages.values_list("pk", flat=True)) == ["en", "it"]
    assert list(campaign.materials.all()) == [material]


def test_a_campaign_ending_before_it_starts_is_refused_with_what_was_typed(coordinator_client):
    today = timezone.localdate()
    response = coordinator_client.post(
        reverse("training:campaign-create"),
        _campaign_data(ends_on=(today - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == ["ends_on"]
    assert "Residenza per tutti" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_campaign_cannot_use_another_associations_material(coordinator_client, other_association):
    theirs = MaterialFactory(association=other_association)
    response = coordinator_client.post(
        reverse("training:campaign-create"), _campaign_data(materials=[theirs.pk])
    )
    assert response.status_code == 422
    assert "materials" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services.campaign_save(
            association=coordinator_client.association,
            by=coordinator_client.user,
            materials=[theirs],
            **_campaign_fields(),
        )
    assert not Campaign.objects.exists()


def _campaign_fields() -> dict:
    today = timezone.localdate()
    return {
        "kind": Campaign.Kind.AWARENESS,
        "title": "Salute per tutti",
        "goal": "Far conoscere il medico di base.",
        "starts_on": today,
        "ends_on": today + timedelta(days=30),
    }


def test_coordinator_edits_a_campaign(coordinator_client):
    campaign = CampaignFactory(association=coordinator_client.association)
    response = coordinator_client.post(
        reverse("training:campaign-edit", args=[campaign.pk]),
        _campaign_data(title="Residenza: seconda fase", languages=["ar"]),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Residenza: seconda fase"
    assert list(campaign.languages.values_list("pk", flat=True)) == ["ar"]


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.OPERATOR, Role.MEMBER])
def test_only_coordinators_write_campaigns(association, role):
    user = user_with_role(association, role)
    with pytest.raises(PermissionDenied):
        services.campaign_save(association=association, by=user, **_campaign_fields())
    campaign = CampaignFactory(association=association)
    with pytest.raises(PermissionDenied):
        services.campaign_action_save(
            campaign=campaign,
            by=user,
            kind=CampaignAction.Kind.SOCIAL,
            title="Post",
            happened_on=timezone.localdate(),
        )


def test_a_coordinator_of_another_association_cannot_write_ours(association, outsider_client):
    campaign = CampaignFactory(association=association)
    with pytest.raises(PermissionDenied):
        services.campaign_action_save(
            campaign=campaign,
            by=outsider_client.user,
            kind=CampaignAction.Kind.SOCIAL,
            title="Post",
            happened_on=timezone.localdate(),
        )


# --- Campaigns: actions and totals ------------------------------------------------------


def test_coordinator_records_an_action_with_its_outcome_and_reach(coordinator_client):
    campaign = CampaignFactory(association=coordinator_client.association)
    response = coordinator_client.post(
        reverse("training:campaign-action-add", args=[campaign.pk]),
        {
            "kind": CampaignAction.Kind.INSTITUTION,
            "title": "Incontro con l'assessora ai servizi sociali",
            "happened_on": timezone.localdate().isoformat(),
            "outcome": "Si è impegnata a portare la proposta in giunta.",
            "people_reached": "3",
            "signatures": "",
        },
    )
    assert response.status_code == 302
    action = campaign.actions.get()
    assert action.kind == CampaignAction.Kind.INSTITUTION
    assert action.people_reached == 3
    assert action.signatures is None
    assert action.outcome.startswith("Si è impegnata")


def test_an_event_can_be_one_of_our_sessions_on_its_day(coordinator_client):
    association = coordinator_client.association
    campaign = CampaignFactory(association=association)
    session = SessionFactory(course=CourseFactory(association=association))
    data = {
        "kind": CampaignAction.Kind.EVENT,
        "title": "Incontro pubblico in biblioteca",
        "happened_on": timezone.localdate(session.starts_at).isoformat(),
        "session": session.pk,
        "people_reached": "35",
    }
    url = reverse("training:campaign-action-add", args=[campaign.pk])
    assert coordinator_client.post(url, data).status_code == 302
    assert campaign.actions.get().session == session


def test_an_action_refuses_a_session_of_another_kind_day_or_association(
    coordinator_client, other_association
):
    association = coordinator_client.association
    campaign = CampaignFactory(association=association)
    ours = SessionFactory(course=CourseFactory(association=association))
    theirs = SessionFactory(course=CourseFactory(association=other_association))
    day = timezone.localdate(ours.starts_at)
    url = reverse("training:campaign-action-add", args=[campaign.pk])
    base = {"title": "Evento", "happened_on": day.isoformat(), "people_reached": "10"}
    cases = [
        ({"kind": CampaignAction.Kind.LEAFLETS, "session": ours.pk}, "session"),
        (
            {
                "kind": CampaignAction.Kind.EVENT,
                "session": ours.pk,
                "happened_on": (day + timedelta(days=1)).isoformat(),
            },
            "happened_on",
        ),
        ({"kind": CampaignAction.Kind.EVENT, "session": theirs.pk}, "session"),
    ]
    for extra, field in cases:
        response = coordinator_client.post(url, {**base, **extra})
        assert response.status_code == 422
        assert field in response.context["form"].errors
    assert not campaign.actions.exists()
    with pytest.raises(ValidationError):
        services.campaign_action_save(
            campaign=campaign,
            by=coordinator_client.user,
            kind=CampaignAction.Kind.EVENT,
            title="Evento",
            happened_on=timezone.localdate(theirs.starts_at),
            session=theirs,
        )


def test_the_campaign_page_shows_its_actions_and_their_totals(facilitator_client):
    campaign = CampaignFactory(association=facilitator_client.association)
    CampaignActionFactory(campaign=campaign, people_reached=40)
    CampaignActionFactory(campaign=campaign, kind=CampaignAction.Kind.SOCIAL, people_reached=250)
    CampaignActionFactory(
        campaign=campaign, kind=CampaignAction.Kind.PETITION, people_reached=None, signatures=312
    )
    # Another campaign's actions count for that one only.
    CampaignActionFactory(
        campaign=CampaignFactory(association=campaign.association), people_reached=999
    )
    response = facilitator_client.get(reverse("training:campaign-detail", args=[campaign.pk]))
    assert response.status_code == 200
    assert response.context["totals"] == {"actions": 3, "people_reached": 290, "signatures": 312}
    html = response.content.decode()
    assert 'data-testid="total-people-reached">290<' in html
    assert 'data-testid="total-signatures">312<' in html
    assert _testids(response, "campaign-action") == 3
    # Readers see no writing buttons.
    assert _testids(response, "action-add") == 0
    assert _testids(response, "campaign-edit") == 0


def test_campaign_totals_are_one_aggregate_query(association, django_assert_num_queries):
    campaign = CampaignFactory(association=association)
    CampaignActionFactory.create_batch(5, campaign=campaign, people_reached=10, signatures=2)
    with django_assert_num_queries(1):
        totals = campaign_totals(campaign)
    assert totals == {"actions": 5, "people_reached": 50, "signatures": 10}


def test_a_campaign_without_actions_totals_zero(coordinator_client):
    campaign = CampaignFactory(association=coordinator_client.association)
    response = coordinator_client.get(reverse("training:campaign-detail", args=[campaign.pk]))
    assert response.context["totals"] == {"actions": 0, "people_reached": 0, "signatures": 0}
    assert _testids(response, "action-add") == 1


def test_the_campaign_list_sums_each_campaigns_reach(operator_client):
    association = operator_client.association
    first = CampaignFactory(association=association)
    CampaignActionFactory.create_batch(2, campaign=first, people_reached=15, signatures=5)
    CampaignFactory(association=association)
    response = operator_client.get(reverse("training:campaign-list"))
    assert response.status_code == 200
    rows = {row.pk: row for row in response.context["page"].object_list}
    assert (rows[first.pk].action_count, rows[first.pk].reached, rows[first.pk].signed) == (
        2,
        30,
        10,
    )
    assert _testids(response, "campaign-row") == 2
    assert _testids(response, "campaign-create") == 0


@pytest.mark.parametrize("n", [1, 20])
def test_campaign_list_query_count_is_constant(coordinator_client, django_assert_num_queries, n):
    for campaign in CampaignFactory.create_batch(n, association=coordinator_client.association):
        CampaignActionFactory(campaign=campaign)
    # user, memberships, the staff's second factor, count of campaigns, unread
    # notifications (navbar), page of campaigns with their summed actions, reach and
    # signatures (the session is in the cache)
    with django_assert_num_queries(6):
        response = coordinator_client.get(reverse("training:campaign-list"))
    assert _testids(response, "campaign-row") == n


# --- Campaigns: who sees what -----------------------------------------------------------


def test_members_do_not_see_campaigns(member_client):
    campaign = CampaignFactory(association=member_client.association)
    assert member_client.get(reverse("training:campaign-list")).status_code == 403
    url = reverse("training:campaign-detail", args=[campaign.pk])
    assert member_client.get(url).status_code == 403


def test_another_associations_campaign_answers_404(association, outsider_client):
    campaign = CampaignFactory(association=association)
    for name in ("campaign-detail", "campaign-edit", "campaign-action-add"):
        url = reverse(f"training:{name}", args=[campaign.pk])
        assert outsider_client.get(url).status_code == 404, name
    listing = outsider_client.get(reverse("training:campaign-list"))
    assert list(listing.context["page"].object_list) == []


def test_facilitators_cannot_write_campaigns(facilitator_client):
    campaign = CampaignFactory(association=facilitator_client.association)
    assert (
        facilitator_client.post(reverse("training:campaign-create"), _campaign_data()).status_code
        == 403
    )
    url = reverse("training:campaign-action-add", args=[campaign.pk])
    assert facilitator_client.post(url, {}).status_code == 403
    assert Campaign.objects.count() == 1


# --- Materials: uploading ---------------------------------------------------------------


def _material_data(association, upload=None, **overrides) -> dict:
    data = {
        "title": "Il medico di base: come sceglierlo",
        "description": "Una pagina, con le foto degli sportelli.",
        "licence": Material.Licence.CC_BY,
        "author": "ASL Caserta",
        "language": "it",
        "file": upload or SimpleUploadedFile("medico.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_a_facilitator_adds_a_material_with_its_first_file_and_its_uses(
    facilitator_client, media_roots
):
    association = facilitator_client.association
    course = CourseFactory(association=association)
    group = GroupFactory(association=association)
    campaign = CampaignFactory(association=association)
    response = facilitator_client.post(
        reverse("training:material-create"),
        _material_data(
            association, courses=[course.pk], groups=[group.pk], campaigns=[campaign.pk]
        ),
    )
    material = Material.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:material-detail", args=[material.pk])
    assert (material.title, material.licence, material.author) == (
        "Il medico di base: come sceglierlo",
        Material.Licence.CC_BY,
        "ASL Caserta",
    )
    assert material.created_by == facilitator_client.user
    assert list(material.courses.all()) == [course]
    assert list(material.groups.all()) == [group]
    assert list(material.campaigns.all()) == [campaign]
    version = material.files.get()
    assert (version.language_id, version.original_name) == ("it", "medico.pdf")
    assert (version.content_type, version.size) == ("application/pdf", len(PDF))
    # Outside the public media path, and with no URL of its own.
    public, private = media_roots
    assert _stored(public) == []
    assert len(_stored(private)) == 1
    with pytest.raises(ValueError):
        version.file.url  # noqa: B018


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("locandina.png", _png(), "image/png"),
        (
            "opuscolo.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("opuscolo.ODT", _odt(), "application/vnd.oasis.opendocument.text"),
    ],
    ids=["png", "docx", "odt"],
)
def test_images_and_documents_are_accepted_by_their_content(
    coordinator_client, name, content, content_type
):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = coordinator_client.post(
        reverse("training:material-create"), _material_data(None, upload)
    )
    assert response.status_code == 302
    assert MaterialFile.objects.get().content_type == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("guida.pdf", ELF),
        ("guida.pdf", PE),
        ("guida.docx", _zip([("payload.exe", PE)])),
        ("guida.exe", PE),
        ("guida.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
    ],
    ids=["elf-as-pdf", "pe-as-pdf", "zip-as-docx", "exe", "svg"],
)
def test_executables_and_disguised_files_are_refused_and_nothing_is_kept(
    coordinator_client, media_roots, name, content
):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = coordinator_client.post(
        reverse("training:material-create"), _material_data(None, upload)
    )
    assert response.status_code == 422
    assert "file" in response.context["form"].errors
    # What was typed is still there.
    assert "Il medico di base: come sceglierlo" in response.content.decode()
    assert not Material.objects.exists()
    assert _stored(media_roots[1]) == []


def test_a_file_over_20_mb_is_refused(association):
    too_big = SimpleUploadedFile("atlante.pdf", PDF + b"0" * (MAX_MATERIAL_BYTES + 1 - len(PDF)))
    with pytest.raises(ValidationError):
        services.material_file_check(too_big)
    just_right = SimpleUploadedFile("atlante.pdf", PDF + b"0" * (MAX_MATERIAL_BYTES - len(PDF)))
    assert services.material_file_check(just_right) == "application/pdf"


def test_a_refused_first_file_leaves_no_material_behind(coordinator_client, media_roots):
    """The service stores the material and its first file in one transaction."""
    upload = SimpleUploadedFile("guida.pdf", ELF)
    with pytest.raises(ValidationError):
        services.material_save(
            association=coordinator_client.association,
            by=coordinator_client.user,
            first_file=(Language.objects.get(pk="it"), upload),
            title="Guida",
            licence=Material.Licence.OWN,
        )
    assert not Material.objects.exists()
    assert _stored(media_roots[1]) == []


def test_a_version_in_another_language_is_added_and_the_same_language_replaced(
    facilitator_client, media_roots, django_capture_on_commit_callbacks
):
    material = MaterialFactory(association=facilitator_client.association, languages=["it"])
    old = material.files.get()
    old_path = Path(old.file.path)
    url = reverse("training:material-file-add", args=[material.pk])

    english = SimpleUploadedFile("health-guide.pdf", PDF)
    response = facilitator_client.post(url, {"version-language": "en", "version-file": english})
    assert response.status_code == 302
    assert sorted(material.files.values_list("language_id", flat=True)) == ["en", "it"]

    newer = SimpleUploadedFile("guida-2025.png", _png())
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator_client.post(url, {"version-language": "it", "version-file": newer})
    assert response.status_code == 302
    italian = material.files.get(language_id="it")
    assert italian.pk == old.pk
    assert (italian.original_name, italian.content_type) == ("guida-2025.png", "image/png")
    # The old Italian file is gone once the change is committed.
    assert not old_path.exists()
    assert len(_stored(media_roots[1])) == 2


def test_a_refused_version_shows_the_material_page_again_with_the_error(facilitator_client):
    material = MaterialFactory(association=facilitator_client.association)
    response = facilitator_client.post(
        reverse("training:material-file-add", args=[material.pk]),
        {"version-language": "en", "version-file": SimpleUploadedFile("guide.pdf", PE)},
    )
    assert response.status_code == 422
    assert "file" in response.context["file_form"].errors
    assert list(material.files.values_list("language_id", flat=True)) == ["it"]


def test_editing_a_material_links_it_to_courses_and_groups_of_the_association_only(
    coordinator_client, other_association
):
    association = coordinator_client.association
    material = MaterialFactory(association=association)
    course = CourseFactory(association=association)
    theirs = CourseFactory(association=other_association)
    url = reverse("training:material-edit", args=[material.pk])
    data = {"title": "Guida aggiornata", "licence": Material.Licence.OWN}

    response = coordinator_client.post(url, {**data, "courses": [theirs.pk]})
    assert response.status_code == 422
    assert "courses" in response.context["form"].errors

    assert coordinator_client.post(url, {**data, "courses": [course.pk]}).status_code == 302
    material.refresh_from_db()
    assert material.title == "Guida aggiornata"
    assert list(material.courses.all()) == [course]
    # The file stays as it was: editing does not ask for one.
    assert material.files.count() == 1

    with pytest.raises(ValidationError):
        services.material_save(
            association=association,
            by=coordinator_client.user,
            material=material,
            courses=[theirs],
        )


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OPERATOR])
def test_members_and_operators_do_not_upload(make_client, association, role):
    client = make_client(association, role)
    material = MaterialFactory(association=association)
    create = client.post(reverse("training:material-create"), _material_data(association))
    assert create.status_code == 403
    add = client.post(
        reverse("training:material-file-add", args=[material.pk]),
        {"version-language": "en", "version-file": SimpleUploadedFile("g.pdf", PDF)},
    )
    assert add.status_code == 403
    assert Material.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.material_file_add(
            material=material,
            language=Language.objects.get(pk="en"),
            upload=SimpleUploadedFile("g.pdf", PDF),
            by=client.user,
        )


# --- Materials: reading and downloading -------------------------------------------------


def test_a_member_lists_opens_and_downloads_a_material(member_client):
    material = MaterialFactory(association=member_client.association, languages=["it", "en"])
    listing = member_client.get(reverse("training:material-list"))
    assert listing.status_code == 200
    assert _testids(listing, "material-row") == 1
    assert _testids(listing, "material-create") == 0

    detail = member_client.get(reverse("training:material-detail", args=[material.pk]))
    assert detail.status_code == 200
    assert _testids(detail, "material-download") == 2
    assert _testids(detail, "material-file-form") == 0
    assert "campaigns" not in detail.context

    response = member_client.get(reverse("training:material-download", args=[material.pk, "en"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="guida-en.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_a_language_the_material_does_not_have_answers_404(member_client):
    material = MaterialFactory(association=member_client.association, languages=["it"])
    url = reverse("training:material-download", args=[material.pk, "ar"])
    assert member_client.get(url).status_code == 404


def test_another_associations_material_answers_404(association, outsider_client):
    material = MaterialFactory(association=association, languages=["it"])
    for url in (
        reverse("training:material-detail", args=[material.pk]),
        reverse("training:material-edit", args=[material.pk]),
        reverse("training:material-download", args=[material.pk, "it"]),
    ):
        assert outsider_client.get(url).status_code == 404, url
    response = outsider_client.post(
        reverse("training:material-file-add", args=[material.pk]),
        {"version-language": "en", "version-file": SimpleUploadedFile("g.pdf", PDF)},
    )
    assert response.status_code == 404
    listing = outsider_client.get(reverse("training:material-list"))
    assert list(listing.context["page"].object_list) == []


def test_the_library_is_searched_by_words_and_by_language(member_client):
    association = member_client.association
    health = MaterialFactory(
        association=association, title="Salute: il medico di base", languages=["it", "ar"]
    )
    MaterialFactory(association=association, title="Affitto: il contratto", languages=["it"])
    url = reverse("training:material-list")

    by_word = member_client.get(url, {"q": "salute"})
    assert list(by_word.context["page"].object_list) == [health]
    by_language = member_client.get(url, {"language": "ar"})
    assert list(by_language.context["page"].object_list) == [health]
    # The filter offers the languages the library has.
    offered = by_language.context["search"].fields["language"].queryset
    assert sorted(offered.values_list("pk", flat=True)) == ["ar", "it"]
    assert list(member_client.get(url, {"q": "nulla"}).context["page"].object_list) == []


def test_staff_see_where_a_material_is_used(facilitator_client):
    association = facilitator_client.association
    material = MaterialFactory(association=association)
    campaign = CampaignFactory(association=association)
    campaign.materials.add(material)
    response = facilitator_client.get(reverse("training:material-detail", args=[material.pk]))
    assert list(response.context["campaigns"]) == [campaign]
    assert _testids(response, "material-file-form") == 1


@pytest.mark.parametrize("n", [1, 20])
def test_material_list_query_count_is_constant(member_client, django_assert_num_queries, n):
    for material in MaterialFactory.create_batch(n, association=member_client.association):
        material_file(material, "en")
    # user, memberships, count of materials, unread notifications (navbar), the languages
    # the library has (search form), page of materials, their language versions with the
    # language (the session is in the cache)
    with django_assert_num_queries(7):
        response = member_client.get(reverse("training:material-list"))
    assert _testids(response, "material-row") == n


# --- Home links -------------------------------------------------------------------------


def test_home_links_follow_who_may_see_what(member_client, coordinator_client):
    campaigns = reverse("training:campaign-list")
    materials = reverse("training:material-list")
    member_home = member_client.get(reverse("home")).content.decode()
    assert f'href="{materials}"' in member_home
    assert f'href="{campaigns}"' not in member_home
    coordinator_home = coordinator_client.get(reverse("home")).content.decode()
    assert f'href="{campaigns}"' in coordinator_home
    assert f'href="{materials}"' in coordinator_home
