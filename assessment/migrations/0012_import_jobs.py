# The results file imported in the background (assessment.models.ImportJob).
import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0011_result_corrections"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', django_fsm.FSMField(choices=[('queued', 'Queued'), ('running', 'Checking and importing'), ('checked', 'Checked: waiting for you to apply the corrections'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=20, protected=True)),
                ('file', models.FileField(blank=True, upload_to='results-imports/')),
                ('file_name', models.CharField(blank=True, max_length=255)),
                ('file_sha256', models.CharField(max_length=64)),
                ('is_correction', models.BooleanField(default=False)),
                ('reason', models.TextField(blank=True, help_text='Why a corrected file replaces results')),
                ('changes', models.JSONField(blank=True, default=list, help_text="A correction's changed candidates, before and after")),
                ('row_count', models.PositiveIntegerField(default=0)),
                ('row_errors', models.JSONField(blank=True, default=list, help_text='[line, message] pairs')),
                ('candidates_recorded', models.PositiveIntegerField(default=0)),
                ('candidates_unchanged', models.PositiveIntegerField(default=0)),
                ('candidates_corrected', models.PositiveIntegerField(default=0)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('last_error', models.CharField(blank=True, max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('results_import', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessment.resultsimport')),
                ('sitting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='import_jobs', to='assessment.sitting')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
            bases=(django_fsm.FSMModelMixin, models.Model),
        ),
    ]
