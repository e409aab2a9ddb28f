"""The municipality's identity provider as Authlib's Flask client: set up from the
settings (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SCOPES), its discovery
document and keys read when first needed, and checked for what an administrator can
get wrong (``problems``)."""

from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import current_app

NAME = "kommunen"
_EXTENSION = "followup.oidc"


def configured():
    config = current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def issuer():
    return str(current_app.config["OIDC_ISSUER"]).rstrip("/")


def discovery_url():
    return issuer() + "/.well-known/openid-configuration"


def client():
    """The registered client for the settings as they are now (a change of settings
    registers it again)."""
    config = current_app.config
    key = (issuer(), config["OIDC_CLIENT_ID"], config.get("OIDC_CLIENT_SECRET"),
           config["OIDC_SCOPES"])
    held = current_app.extensions.get(_EXTENSION)
    if held is None or held[0] != key:
        oauth = OAuth()
        oauth.init_app(current_app)
        oauth.register(
            NAME, client_id=key[1], client_secret=key[2], server_metadata_url=discovery_url(),
            client_kwargs={"scope": key[3], "code_challenge_method": "S256", "timeout": 10})
        held = (key, oauth.create_client(NAME))
        current_app.extensions[_EXTENSION] = held
    return held[1]


def metadata():
    """The provider's discovery document, after checking that it names our issuer: an
    ID token is checked against the document's issuer, so a document that names
    another would let that other issuer's tokens in."""
    data = client().load_server_metadata()
    if str(data.get("issuer", "")).rstrip("/") != issuer():
        raise IssuerMismatch(data.get("issuer"))
    return data


def claims_options():
    """What an ID token's claims must say besides its signature, nonce and times: our
    issuer, and our client among its audience (Authlib checks the issuer by default,
    the audience only through ``azp``)."""
    return {"iss": {"essential": True, "values": [metadata()["issuer"]]},
            "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]}}


def check(token, nonce):
    """The claims of a token response's ID token, checked as a sign-in checks them."""
    return client().parse_id_token(token, nonce=nonce, claims_options=claims_options(),
                                   leeway=int(current_app.config["OIDC_LEEWAY"]))


class IssuerMismatch(Exception):
    """The discovery document names another issuer than OIDC_ISSUER."""


# The session's mark of a sign-in with the municipality's account. Not the ID token: with
# its groups it may not fit in the cookie, and it is personal data.
SIGNED_IN = "sso"


def logout_url(signed_in, return_to):
    """Where signing out goes when the provider ends its own session too (RP-initiated
    logout, naming our client) and then sends the browser to ``return_to``; None
    without one."""
    if not (signed_in and configured()):
        return None
    try:
        endpoint = metadata().get("end_session_endpoint")
    except (IssuerMismatch, requests.RequestException, ValueError, AuthlibBaseError):
        return None
    if not endpoint:
        return None
    query = urlencode({"client_id": current_app.config["OIDC_CLIENT_ID"],
                       "post_logout_redirect_uri": return_to})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def problems():
    """What is wrong with the set-up, in plain Swedish (empty: nothing): the settings,
    the discovery document, the issuer it names, the endpoints, the signing keys."""
    config = current_app.config
    if not config.get("OIDC_ISSUER"):
        return ["FOLLOWUP_OIDC_ISSUER saknas: ange adressen till kommunens "
                "inloggningstjänst (issuer)."]
    found = []
    if not config.get("OIDC_CLIENT_ID"):
        found.append("FOLLOWUP_OIDC_CLIENT_ID saknas: ange klient-id som "
                     "inloggningstjänsten gav Planuppföljning.")
    if not config.get("OIDC_CLIENT_SECRET"):
        found.append("FOLLOWUP_OIDC_CLIENT_SECRET saknas: ange klienthemligheten.")
    if "openid" not in str(config.get("OIDC_SCOPES", "")).split():
        found.append("FOLLOWUP_OIDC_SCOPES måste innehålla openid.")
    try:
        response = requests.get(discovery_url(), timeout=10)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as e:
        return found + [f"Kunde inte hämta {discovery_url()}: {_reason(e)}."]
    if str(data.get("issuer", "")).rstrip("/") != issuer():
        found.append(f"Inloggningstjänsten uppger issuer {data.get('issuer')!r}, men "
                     f"FOLLOWUP_OIDC_ISSUER är {issuer()!r}. De måste vara samma.")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not data.get(field):
            found.append(f"Beskrivningen saknar {field}.")
    if "S256" not in (data.get("code_challenge_methods_supported") or ["S256"]):
        found.append("Inloggningstjänsten stöder inte PKCE med S256.")
    if data.get("jwks_uri"):
        try:
            keys = requests.get(data["jwks_uri"], timeout=10).json().get("keys") or []
        except (requests.RequestException, ValueError) as e:
            return found + [f"Kunde inte hämta nycklarna från {data['jwks_uri']}: {_reason(e)}."]
        if not keys:
            found.append(f"{data['jwks_uri']} har inga nycklar att kontrollera inloggningar med.")
    return found


def _reason(error):
    if isinstance(error, requests.ConnectionError):
        return "ingen anslutning (fel adress, eller stoppad av brandvägg eller proxy)"
    if isinstance(error, requests.Timeout):
        return "inget svar inom 10 sekunder"
    if isinstance(error, requests.HTTPError):
        return f"svaret var {error.response.status_code}"
    return "svaret var inte JSON"
