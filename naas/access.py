"""View guards that turn the policies into HTTP answers (403 for a role one lacks)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .policies import is_social_worker, roles_of


def role_required(*roles: str, social_worker: bool = False):
    """Allow the view to users holding any of `roles` (or who are social workers, if asked)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def guarded(request, *args, **kwargs):
            allowed = bool(roles_of(request.user) & set(roles))
            if not allowed and social_worker:
                allowed = is_social_worker(request.user)
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def social_worker_required(view):
    return role_required(social_worker=True)(view)
