# Reserved for issue 13/15 work; filled by the change that needs it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("naas", "0003_submitted_form")]

    operations = []
