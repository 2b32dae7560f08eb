"""Factories of campaigns and the materials library: a running awareness campaign, its
actions, a material with (unless told) its Italian PDF written to the private storage."""

from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from members.models import Language
from tests.factories import AssociationFactory
from training.models import Campaign, CampaignAction, Material, MaterialFile

# A small but real PDF: a catalog, one empty A4 page, the cross-reference table.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"0000000115 00000 n \ntrailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)


class CampaignFactory(factory.django.DjangoModelFactory):
    """An awareness campaign running from a week ago to three weeks ahead."""

    class Meta:
        model = Campaign

    association = factory.SubFactory(AssociationFactory)
    kind = Campaign.Kind.AWARENESS
    title = factory.Sequence(lambda n: f"Conosci i tuoi diritti {n}")
    goal = "Far conoscere ai nuovi arrivati i servizi sanitari del territorio."
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=21))
    audience = "Nuovi arrivati"
    channels = "Volantini, radio locale"


class CampaignActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignAction

    campaign = factory.SubFactory(CampaignFactory)
    kind = CampaignAction.Kind.LEAFLETS
    title = "Volantinaggio al mercato"
    happened_on = factory.LazyFunction(timezone.localdate)
    people_reached = 40


class MaterialFactory(factory.django.DjangoModelFactory):
    """A material; ``languages=["it", "en"]`` gives it a PDF version in each (Italian
    unless told; ``languages=[]`` for none)."""

    class Meta:
        model = Material
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Guida ai servizi {n}")
    description = "Dove trovare un medico, un consultorio, uno sportello."
    licence = Material.Licence.CC_BY_SA
    author = "Migr-Azioni ETS"

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if not create:
            return
        for code in ["it"] if extracted is None else extracted:
            material_file(obj, code)


def material_file(material: Material, code: str, content: bytes = PDF) -> MaterialFile:
    version = MaterialFile(
        material=material,
        language=Language.objects.get(pk=code),
        original_name=f"guida-{code}.pdf",
        content_type="application/pdf",
        size=len(content),
    )
    version.file.save(f"guida-{code}.pdf", ContentFile(content), save=False)
    version.save()
    return version
