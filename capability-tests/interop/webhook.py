"""Webhook signature interop with twilio-python's RequestValidator.

Run by capability-tests/tests/interop/webhook.rs with the venv that setup.sh makes. Reads one
JSON request on stdin and prints one JSON answer on stdout; the Rust test makes every assertion.

Request:
  {"sign":     [{"key", "algorithm", "url", "pairs": [[name, value], …] | null, "body": str | null}],
   "validate": [{"key", "algorithm", "url", "pairs" | null, "body" | null, "signature"}]}
  A case has "pairs" (a form, repeats allowed) or "body" (a JSON body; its URL has bodySHA256).

Answer:
  {"version": "<twilio version>",
   "signed":    [{"signature", "body_sha256": str | null}],
   "validated": [true | false]}
"""

import json
import sys

import twilio
from twilio.request_validator import RequestValidator


class Form(dict):
    """A form with repeated names: RequestValidator reads every value through `getlist`, as it
    does Django's QueryDict."""

    def __init__(self, pairs):
        super().__init__()
        for name, value in pairs:
            self.setdefault(name, []).append(value)

    def getlist(self, name):
        return self[name]


def sign(case):
    validator = RequestValidator(case["key"])
    if case["body"] is not None:
        return {
            "signature": validator.compute_signature(case["url"], {}, case["algorithm"]),
            "body_sha256": validator.compute_hash(case["body"]),
        }
    signature = validator.compute_signature(case["url"], Form(case["pairs"]), case["algorithm"])
    return {"signature": signature, "body_sha256": None}


def validate(case):
    validator = RequestValidator(case["key"])
    params = case["body"] if case["body"] is not None else Form(case["pairs"])
    return bool(validator.validate(case["url"], params, case["signature"], case["algorithm"]))


def main():
    request = json.load(sys.stdin)
    json.dump(
        {
            "version": twilio.__version__,
            "signed": [sign(case) for case in request["sign"]],
            "validated": [validate(case) for case in request["validate"]],
        },
        sys.stdout,
    )


main()
