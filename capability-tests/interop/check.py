"""Interop checks against the official Python libraries: twilio-python and PyJWT.

Run by capability-tests/tests/interop.rs with the venv that setup.sh makes. Reads one JSON request on stdin and
prints one JSON answer on stdout; the Rust test makes every assertion.

Request:
  {"account_sid": "AC…", "auth_token": "…",
   "verify":   [{"name", "token", "auth_token"}],     tokens our library signed
   "generate": {"at": <unix seconds>, "cases": [{"name", "ttl", "scopes": [
                   {"kind": "incoming", "client_name"} |
                   {"kind": "outgoing", "app_sid", "params": [[k, v], …]} |
                   {"kind": "events", "filters": [[k, v], …]}]}]}}

   "access":   {"account_sid", "api_key_sid", "secret",       Access Tokens (optional)
                "verify":   [{"name", "token", "secret"}],
                "generate": {"at": <unix seconds>, "cases": [{"name", "inputs": INPUTS}]}}}
  INPUTS = an Access Token policy, as the `inputs` of capability-runtime/tests/data/access-token-vectors.json:
           {"identity", "ttl", "nbf", "region", "grants": [{"type": "voice" | "video" | "chat" |
           "sync" | "task_router" | "player", <the grant's fields>}]}

Answer:
  {"versions": {"twilio", "PyJWT", "python"},
   "verified":  [{"name", "pyjwt": RESULT, "twilio": RESULT, "reading": READING}],
   "generated": [{"name", "token"} | {"name", "unsupported": why}],
   "access":    {"verified":  [{"name", "pyjwt": RESULT, "twilio": RESULT}],
                 "generated": [{"name", "token"}]}}
  For Access Tokens, RESULT's "claims" is {"header": {…}, "payload": {…}}.
  RESULT  = {"ok": true, "claims": {…}} | {"ok": false, "error": "<exception class>: <message>"}
  READING = the scope claim decoded with urllib.parse (see read_scope), or {"error": …}

Clocks: PyJWT's `decode` (and so twilio-python's `Jwt.from_jwt`) takes the time from the system
clock and has no parameter for another, so tokens to verify must be valid now. twilio-python's
`ClientCapabilityToken` reads `time.time()` for `nbf` and `exp`; we generate under a patched
`time.time` returning the fixed `generate.at`, so its tokens are reproducible.
"""

import json
import platform
import sys
from unittest import mock
from urllib.parse import parse_qsl

import jwt  # PyJWT
import twilio
from twilio.jwt import Jwt
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import (
    ChatGrant,
    PlaybackGrant,
    SyncGrant,
    TaskRouterGrant,
    VideoGrant,
    VoiceGrant,
)
from twilio.jwt.client import ClientCapabilityToken

# Query keys whose value is itself a form-encoded query (the application parameters, the event
# filters; twilio-node writes the event filters under `appParams`).
NESTED = ("appParams", "params")


def form_pairs(query):
    """Strict form decoding with the standard library: `+` and `%20` are spaces, every field must
    be `key=value`, every byte sequence must be UTF-8."""
    if query == "":
        return []
    return parse_qsl(query, keep_blank_values=True, strict_parsing=True, errors="strict")


def read_scope(scope):
    """Reads a scope claim independently of our library: scope URIs separated by single spaces,
    each `scope:<service>:<privilege>?<query>`. Returns the URIs in order and, per URI, its query
    parameters (with the nested queries decoded into lists of pairs)."""
    order, scopes = [], {}
    for uri in scope.split(" "):
        name, _, query = uri.partition("?")
        if name in scopes:
            raise ValueError("scope %r appears twice" % name)
        params = {}
        for key, value in form_pairs(query):
            if key in params:
                raise ValueError("parameter %r appears twice in %r" % (key, name))
            params[key] = [list(p) for p in form_pairs(value)] if key in NESTED else value
        order.append(name)
        scopes[name] = params
    return {"order": order, "scopes": scopes}


def attempt(f):
    """Runs f, turning an exception into a result the Rust test can show."""
    try:
        return {"ok": True, "claims": f()}
    except Exception as e:  # noqa: BLE001 - every failure is reported, none is hidden
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}


def verify(request, item):
    token, key = item["token"], item["auth_token"]
    pyjwt = attempt(
        lambda: jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            issuer=request["account_sid"],
            options={"require": ["exp", "iss"]},
        )
    )
    # twilio-python's own reader: checks alg, signature, exp and nbf.
    twilio_result = attempt(lambda: Jwt.from_jwt(token, key).payload)
    reading = None
    if pyjwt["ok"]:
        try:
            reading = read_scope(pyjwt["claims"]["scope"])
        except Exception as e:  # noqa: BLE001
            reading = {"error": "%s: %s" % (type(e).__name__, e)}
    return {"name": item["name"], "pyjwt": pyjwt, "twilio": twilio_result, "reading": reading}


def grouped(pairs):
    """The pairs as twilio-python takes them: keyword arguments, urlencoded with doseq=True, so a
    repeated key is a list. None when that cannot keep the order (a key repeated after another)."""
    out = {}
    for key, value in pairs:
        if key in out and list(out)[-1] != key:
            return None
        out.setdefault(key, []).append(value)
    # A key given once is passed as a plain string, as an application would.
    return {key: values[0] if len(values) == 1 else values for key, values in out.items()}


def generate(request, case, at):
    token = ClientCapabilityToken(request["account_sid"], request["auth_token"], ttl=case["ttl"])
    for scope in case["scopes"]:
        kind = scope["kind"]
        if kind == "incoming":
            token.allow_client_incoming(scope["client_name"])
            continue
        pairs = scope["params"] if kind == "outgoing" else scope["filters"]
        kwargs = grouped(pairs)
        if kwargs is None:
            return {"name": case["name"], "unsupported": "keyword arguments cannot interleave a repeated key"}
        if kind == "outgoing":
            if "application_sid" in kwargs or "self" in kwargs:
                return {"name": case["name"], "unsupported": "a parameter named like an argument"}
            token.allow_client_outgoing(scope["app_sid"], **kwargs)
        else:
            if "self" in kwargs:
                return {"name": case["name"], "unsupported": "a filter named like an argument"}
            token.allow_event_stream(**kwargs)
    with mock.patch("time.time", return_value=float(at)):
        return {"name": case["name"], "token": token.to_jwt()}


def access_verify(access, item):
    token, secret = item["token"], item["secret"]

    def pyjwt():
        payload = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=access["api_key_sid"],
            options={"require": ["exp", "iss", "sub"]},
        )
        return {"header": jwt.get_unverified_header(token), "payload": payload}

    def twilio_reader():
        decoded = Jwt.from_jwt(token, secret)
        return {"header": decoded.headers, "payload": decoded.payload}

    return {"name": item["name"], "pyjwt": attempt(pyjwt), "twilio": attempt(twilio_reader)}


# The grants of the inputs format, as twilio-python's classes take them.
GRANTS = {
    "voice": lambda g: VoiceGrant(
        incoming_allow=g.get("incoming_allow"),
        outgoing_application_sid=g.get("outgoing_application_sid"),
        outgoing_application_params=g.get("outgoing_application_params"),
        push_credential_sid=g.get("push_credential_sid"),
        endpoint_id=g.get("endpoint_id"),
    ),
    "video": lambda g: VideoGrant(room=g.get("room")),
    "chat": lambda g: ChatGrant(
        service_sid=g.get("service_sid"),
        endpoint_id=g.get("endpoint_id"),
        deployment_role_sid=g.get("deployment_role_sid"),
        push_credential_sid=g.get("push_credential_sid"),
    ),
    "sync": lambda g: SyncGrant(service_sid=g.get("service_sid"), endpoint_id=g.get("endpoint_id")),
    "task_router": lambda g: TaskRouterGrant(
        workspace_sid=g.get("workspace_sid"), worker_sid=g.get("worker_sid"), role=g.get("role")
    ),
    "player": lambda g: PlaybackGrant(grant=g.get("grant")),
}


def access_generate(access, case, at):
    inputs = case["inputs"]
    options = {"identity": inputs["identity"], "region": inputs["region"]}
    if inputs["ttl"] is not None:
        options["ttl"] = inputs["ttl"]
    if inputs["nbf"] is not None:
        options["nbf"] = inputs["nbf"]
    token = AccessToken(access["account_sid"], access["api_key_sid"], access["secret"], **options)
    for grant in inputs["grants"]:
        token.add_grant(GRANTS[grant["type"]](grant))
    with mock.patch("time.time", return_value=float(at)):
        return {"name": case["name"], "token": token.to_jwt()}


def main():
    request = json.load(sys.stdin)
    answer = {
        "versions": {
            "twilio": twilio.__version__,
            "PyJWT": jwt.__version__,
            "python": platform.python_version(),
        },
        "verified": [verify(request, item) for item in request["verify"]],
        "generated": [
            generate(request, case, request["generate"]["at"]) for case in request["generate"]["cases"]
        ],
    }
    access = request.get("access")
    if access is not None:
        answer["access"] = {
            "verified": [access_verify(access, item) for item in access["verify"]],
            "generated": [
                access_generate(access, case, access["generate"]["at"])
                for case in access["generate"]["cases"]
            ],
        }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
