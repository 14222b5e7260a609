"""A tiny OAuth2 authorisation server on 127.0.0.1, standing in for X (Twitter).

It speaks just enough of the protocol for allauth's twitter_oauth2 adapter:

- GET  /authorize    sends the browser straight back to `redirect_uri` with a code
                     and the state it was given (the reader "allows" at once);
- POST /token        swaps that code for an access token (HTTP Basic client auth
                     and the PKCE verifier are checked);
- GET  /2/users/me   answers the profile, wrapped in "data" like the real API;
- GET  /avatar.png   a small picture, so the avatar loads without leaving the machine.

Every request is recorded on `calls` for tests to inspect.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


def avatar_png(size: int = 96) -> bytes:
    """A plain blue square with a lighter disc, as a PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), (29, 155, 240))
    inset = size // 4
    ImageDraw.Draw(image).ellipse(
        (inset, inset, size - inset, size - inset), fill=(232, 245, 253)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class FakeOAuth2Server:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        profile: dict,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.profile = profile
        self.calls: list[tuple[str, str, dict]] = []
        self._codes: dict[str, str] = {}  # code -> PKCE challenge
        self._tokens: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeOAuth2Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def paths(self) -> list[str]:
        return [path for _method, path, _params in self.calls]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - the base signature
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                server.calls.append(("GET", parts.path, params))
                if parts.path == "/authorize":
                    self._authorize(params)
                elif parts.path == "/2/users/me":
                    self._profile()
                elif parts.path == "/avatar.png":
                    self._send(200, avatar_png(), "image/png")
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                params = {k: v[-1] for k, v in parse_qs(body).items()}
                path = urlsplit(self.path).path
                server.calls.append(("POST", path, params))
                if path == "/token":
                    self._token(params)
                else:
                    self._json(404, {"error": "not_found"})

            def _authorize(self, params):
                if params.get("client_id") != server.client_id:
                    self._json(400, {"error": "unauthorized_client"})
                    return
                code = secrets.token_urlsafe(16)
                server._codes[code] = params.get("code_challenge", "")
                query = urlencode({"state": params.get("state", ""), "code": code})
                self.send_response(302)
                self.send_header("Location", f"{params['redirect_uri']}?{query}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _token(self, params):
                if not self._client_authenticated():
                    self._json(401, {"error": "invalid_client"})
                    return
                challenge = server._codes.pop(params.get("code", ""), None)
                verifier = params.get("code_verifier", "")
                expected = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .decode()
                    .rstrip("=")
                )
                if challenge is None or challenge != expected:
                    self._json(400, {"error": "invalid_grant"})
                    return
                token = secrets.token_urlsafe(16)
                server._tokens.add(token)
                self._json(
                    200,
                    {
                        "token_type": "bearer",
                        "access_token": token,
                        "expires_in": 7200,
                        "scope": "users.read tweet.read",
                    },
                )

            def _client_authenticated(self) -> bool:
                auth = self.headers.get("Authorization", "")
                scheme, _, encoded = auth.partition(" ")
                if scheme != "Basic":
                    return False
                try:
                    decoded = base64.b64decode(encoded).decode()
                except (binascii.Error, UnicodeDecodeError):
                    return False
                return decoded == f"{server.client_id}:{server.client_secret}"

            def _profile(self):
                auth = self.headers.get("Authorization", "")
                scheme, _, token = auth.partition(" ")
                if scheme != "Bearer" or token not in server._tokens:
                    self._json(401, {"title": "Unauthorized"})
                    return
                self._json(200, {"data": server.profile})

            def _json(self, status: int, data: dict) -> None:
                self._send(status, json.dumps(data).encode(), "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
