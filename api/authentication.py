"""`Authorization: Bearer <token>`: the token's SHA-256 names an active client, whose acting
user the request runs as. No token, or one that names no active client, is a 401."""

import hmac

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiClient, token_digest

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None  # no credentials: NotAuthenticated (401) from the permission check
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as: Authorization: Bearer <token>"
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not valid") from exc
        digest = token_digest(token)
        client = (
            ApiClient.objects.select_related("acting_user", "local_authority")
            .filter(token_sha256=digest, is_active=True)
            .first()
        )
        # The lookup is by digest (an index), and the comparison below is constant-time.
        if client is None or not hmac.compare_digest(client.token_sha256, digest):
            raise exceptions.AuthenticationFailed("The token is not valid")
        if not client.acting_user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid")
        return client.acting_user, client

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
