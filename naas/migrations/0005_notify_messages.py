# Reserved for issue 16 (notify); filled by the change that needs it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("naas", "0004_list_indexes")]

    operations = []
