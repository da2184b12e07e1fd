"""A stand-in OpenID Connect provider on loopback whose token endpoint answers whatever ID
token the test made (with joserfc, signed by a key the test controls and served as its JWKS):
for the tokens a real provider would never issue (tampered, for another client, a wrong nonce).
It records what our service sent to its token endpoint."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import RSAKey


class StandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.issuer = f"http://127.0.0.1:{self.server_address[1]}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "standin-1"})
        self.id_token = ""
        self.userinfo = {}
        self.token_requests = []

    def sign(self, claims: dict, key=None, alg: str = "RS256") -> str:
        key = key or self.key
        header = {"alg": alg, "kid": self.key.kid} if alg != "HS256" else {"alg": alg}
        return jwt.encode(header, claims, key, algorithms=[alg])

    def documents(self) -> dict:
        return {
            "/.well-known/openid-configuration": {
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "jwks_uri": self.issuer + "/jwks",
                "userinfo_endpoint": self.issuer + "/userinfo",
                "end_session_endpoint": self.issuer + "/logout",
            },
            "/jwks": {"keys": [self.key.as_dict(private=False)]},
            "/userinfo": self.userinfo,
        }

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: StandIn

    def log_message(self, *args):  # quiet
        pass

    def _json(self, document: dict):
        body = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        document = self.server.documents().get(self.path)
        if document is None:
            self.send_error(404)
            return
        self._json(document)

    def do_POST(self):
        if self.path != "/token":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.server.token_requests.append(
            {"form": form, "authorization": self.headers.get("Authorization", "")}
        )
        self._json(
            {"id_token": self.server.id_token, "access_token": "standin", "token_type": "Bearer"}
        )
