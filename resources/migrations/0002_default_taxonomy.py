from django.db import migrations


def add_taxonomy(apps, schema_editor):
    from resources.taxonomy import TAXONOMY_ID, TERMS, term_id

    Taxonomy = apps.get_model("resources", "Taxonomy")
    TaxonomyTerm = apps.get_model("resources", "TaxonomyTerm")
    taxonomy, _ = Taxonomy.objects.update_or_create(
        id=TAXONOMY_ID,
        defaults={"name": "Nucleo", "description": "Categorie della mappa delle risorse"},
    )
    for code, name_it, name_en, parent in TERMS:
        TaxonomyTerm.objects.update_or_create(
            id=term_id(code),
            defaults={
                "taxonomy": taxonomy,
                "code": code,
                "name": name_it,
                "name_en": name_en,
                "parent_id": term_id(parent) if parent else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(add_taxonomy, migrations.RunPython.noop)]
