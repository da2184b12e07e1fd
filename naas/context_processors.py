from django.conf import settings
from django.urls import reverse

from .navigation import sections_for


def service_navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_navigation": []}
    items = []
    for section in sections_for(user):
        url = reverse(section.url_name)
        items.append({"label": section.label, "url": url, "active": request.path.startswith(url)})
    if not items:
        items.append({"label": "Home", "url": reverse("home"), "active": False})
    return {"service_navigation": items}


def lockout(request):
    """How long a sign-in lockout lasts, for the locked-out page."""
    return {"lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
