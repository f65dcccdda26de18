"""The size and SHA-256 of a held objection file, taken when it is held.

Rows held before this (for a day at most) have neither; using one asks for the file again.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publication', '0001_public_documents_held_uploads'),
    ]

    operations = [
        migrations.AddField(
            model_name='heldupload',
            name='sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AddField(
            model_name='heldupload',
            name='size',
            field=models.PositiveBigIntegerField(default=0, verbose_name="size"),
        ),
    ]
