# Reserved for issue 13/15 work; filled by the change that needs it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_document_state_machine")]

    operations = []
