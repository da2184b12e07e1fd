# Reserved for issue 16 (credential); filled by the change that needs it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_support_requests")]

    operations = []
