"""A small but real OpenID Connect provider for the single sign-on tests, run as its own process:
`python oidc_provider.py` serves on a free port of 127.0.0.1 and prints its issuer URL.

It serves discovery, a JWKS, an authorization endpoint that signs in at once whoever the tests
named last (POST /next-login: email, name, email_verified, flaw) and redirects back with a code
and the state, a token endpoint that checks the client, the code, the redirect URI and PKCE and
returns an RS256 ID token, and user info. `flaw` spoils the token on purpose: `wrong_audience`,
`bad_signature` (signed by another key under the same key id), `expired`, `wrong_issuer`.
"""

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "tracker-tests"
CLIENT_SECRET = "tracker-tests-secret"
KEY_ID = "test-key-1"

signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
forger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
state = {"next_login": {}, "codes": {}, "access_tokens": {}}
lock = threading.Lock()


def public_jwk() -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    return {**jwk, "kid": KEY_ID, "use": "sig", "alg": "RS256"}


def id_token(issuer: str, grant: dict) -> str:
    now = int(time.time())
    flaw = grant["flaw"]
    claims = {
        "iss": issuer + "/elsewhere" if flaw == "wrong_issuer" else issuer,
        "sub": grant["sub"],
        "aud": "another-application" if flaw == "wrong_audience" else CLIENT_ID,
        "iat": now - 7200 if flaw == "expired" else now,
        "exp": now - 3600 if flaw == "expired" else now + 300,
        "nonce": grant["nonce"],
        "email": grant["email"],
    }
    key = forger_key if flaw == "bad_signature" else signing_key
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})


class Provider(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet: the tests' output is theirs
        pass

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def answer(self, status: int, body: dict | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(raw or "{}")
        return {name: values[0] for name, values in parse_qs(raw).items()}

    def do_GET(self):
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self.answer(
                200,
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": self.issuer + "/authorize",
                    "token_endpoint": self.issuer + "/token",
                    "userinfo_endpoint": self.issuer + "/userinfo",
                    "jwks_uri": self.issuer + "/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                },
            )
        if url.path == "/jwks":
            return self.answer(200, {"keys": [public_jwk()]})
        if url.path == "/authorize":
            return self.authorize(query)
        if url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            with lock:
                grant = state["access_tokens"].get(token)
            if grant is None:
                return self.answer(401, {"error": "invalid_token"})
            claims = {"sub": grant["sub"], "email": grant["email"], "name": grant["name"]}
            if grant["email_verified"] is not None:
                claims["email_verified"] = grant["email_verified"]
            return self.answer(200, claims)
        return self.answer(404, {"error": "not_found"})

    def authorize(self, query: dict):
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return self.answer(400, {"error": "invalid_request"})
        with lock:
            login = dict(state["next_login"])
            code = secrets.token_urlsafe(16)
            state["codes"][code] = {
                **login,
                "nonce": query.get("nonce"),
                "redirect_uri": query["redirect_uri"],
                "code_challenge": query.get("code_challenge"),
            }
        back = urlencode({"code": code, "state": query.get("state", "")})
        return self.answer(302, headers={"Location": f"{query['redirect_uri']}?{back}"})

    def do_POST(self):
        url = urlsplit(self.path)
        data = self.form()
        if url.path == "/next-login":
            email = data["email"]
            with lock:
                state["next_login"] = {
                    "email": email,
                    "sub": "subject-" + hashlib.sha256(email.encode()).hexdigest()[:16],
                    "name": data.get("name", ""),
                    "email_verified": data.get("email_verified", True),
                    "flaw": data.get("flaw", ""),
                }
            return self.answer(204)
        if url.path == "/token":
            return self.token(data)
        return self.answer(404, {"error": "not_found"})

    def token(self, data: dict):
        if data.get("client_id") != CLIENT_ID or data.get("client_secret") != CLIENT_SECRET:
            return self.answer(401, {"error": "invalid_client"})
        with lock:
            grant = state["codes"].pop(data.get("code", ""), None)  # each code once
        if grant is None or grant["redirect_uri"] != data.get("redirect_uri"):
            return self.answer(400, {"error": "invalid_grant"})
        verifier = data.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant["code_challenge"]:
            return self.answer(400, {"error": "invalid_grant", "error_description": "PKCE"})
        access_token = secrets.token_urlsafe(16)
        with lock:
            state["access_tokens"][access_token] = grant
        return self.answer(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token(self.issuer, grant),
            },
        )


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()
    sys.exit(0)
