"""Walking the test provider's own pages as a browser would, without a browser: its
login page (any password), its consent page, and back to where it redirects."""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

FORM = re.compile(r'<form[^>]*action="([^"]+)"')


def through_provider(url, account, back_to, session=None):
    """Open ``url`` at the provider, sign in as ``account`` and consent; the URL it
    sends the browser to that starts with ``back_to`` (not opened)."""
    s = session or requests.Session()
    response = s.get(url, allow_redirects=False, timeout=10)
    for _ in range(12):
        location = response.headers.get("Location")
        if location:
            location = urljoin(response.url, location)
            if location.startswith(back_to):
                return location
            response = s.get(location, allow_redirects=False, timeout=10)
            continue
        form = FORM.search(response.text)
        assert form, response.text[:500]
        action = urljoin(response.url, form.group(1))
        if 'name="login"' in response.text:
            data = {"prompt": "login", "login": account, "password": "vilket-som-helst"}
        else:
            data = {"prompt": "consent"}
        response = s.post(action, data=data, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider never sent the browser back to {back_to}")


def code_flow(provider, client_id, secret, redirect_uri, account, nonce):
    """A whole authorization code flow with PKCE for ``client_id``: the token response
    (with its ID token), as a client of the provider gets it."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = requests.Request("GET", provider.issuer + "/auth", params={
        "client_id": client_id, "response_type": "code", "scope": "openid profile email",
        "redirect_uri": redirect_uri, "state": secrets.token_urlsafe(8), "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256"}).prepare().url
    back = through_provider(query, account, redirect_uri)
    code = parse_qs(urlsplit(back).query)["code"][0]
    response = requests.post(provider.issuer + "/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "code_verifier": verifier}, auth=(client_id, secret), timeout=10)
    response.raise_for_status()
    return response.json()
