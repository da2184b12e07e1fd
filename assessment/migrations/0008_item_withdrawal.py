# Reserved for one piece of the standard-setting and psychometrics work; its operations are
# filled in with that piece's models.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessment", "0007_calibration")]

    operations = []
