"""Who may call what: a client holding the endpoint's scope (403 without it), and for the staff
endpoints a client of an LA whose acting user may manage that LA's staff."""

from rest_framework.permissions import BasePermission

from naas import policies as naas_policies

from .models import ApiClient


def client_of(request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None


class HasScope(BasePermission):
    """The view names its `required_scope`; a client without it is refused."""

    message = "This client's token does not allow this request"

    def has_permission(self, request, view) -> bool:
        client = client_of(request)
        if client is None:
            return False
        return client.has_scope(view.required_scope)


class ManagesItsLocalAuthority(BasePermission):
    message = "This client does not belong to a local authority whose staff it may manage"

    def has_permission(self, request, view) -> bool:
        client = client_of(request)
        return (
            client is not None
            and client.local_authority_id is not None
            and naas_policies.can_manage_staff(client.acting_user, client.local_authority)
        )
