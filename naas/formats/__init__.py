"""Django's own formatting (the admin, form widgets) in GOV.UK's date style.

Django's en-GB locale writes times as "6:36 p.m.", and no format character writes "6:36pm", so
the admin uses the 24-hour clock: unambiguous for back-office staff. Pages for the public and
for staff outside the admin format dates with naas/dates.py."""
