# Reserved for issue 13/15 work; filled by the change that needs it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessment", "0010_marking_drafts")]

    operations = []
