"""Every row gets a row version, bumped on each save (the API's ETag, the importer's check)."""

from django.db import migrations, models

from isms.core.migration_operations import AddFieldToModels


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0002_evidence_file_versions'),
    ]

    operations = [
        AddFieldToModels(
            model_names=['evidence', 'evidencefileversion', 'evidencelink', 'historicalevidence', 'historicalevidencefileversion', 'historicalevidencelink'],
            name="row_version",
            field=models.PositiveIntegerField(
                default=1,
                editable=False,
                help_text="Counts the saves of this row: the API's ETag, and how the importer and "
                "the API notice a change made by someone else since they read the row.",
            ),
        ),
    ]
