# Reserved for issue 16 (oidc); filled by the change that needs it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("naas", "0005_notify_messages")]

    operations = []
