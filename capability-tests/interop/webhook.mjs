// Webhook signature interop with twilio-node's webhooks module.
//
// Run by capability-tests/tests/interop/webhook.rs as
// `node webhook.mjs <folder of setup.sh's npm install>`. Reads one JSON request on stdin and
// prints one JSON answer on stdout, of the shape described in webhook.py; the Rust test makes
// every assertion. A form's repeated name becomes an array, as Express's body parser gives it.

import { createRequire } from "node:module";
import path from "node:path";

const nodeDir = process.argv[2];
if (!nodeDir) {
  throw new Error("usage: node webhook.mjs <folder holding node_modules/twilio>");
}
const require = createRequire(path.resolve(nodeDir, "package.json"));
const twilio = require("twilio");
const webhooks = require("twilio/lib/webhooks/webhooks");
const version = require("twilio/package.json").version;

function form(pairs) {
  const params = Object.create(null);
  for (const [name, value] of pairs) {
    if (!(name in params)) params[name] = value;
    else if (Array.isArray(params[name])) params[name].push(value);
    else params[name] = [params[name], value];
  }
  return params;
}

function sign(c) {
  if (c.body !== null) {
    return {
      signature: webhooks.getExpectedTwilioSignature(c.key, c.url, {}, c.algorithm),
      body_sha256: webhooks.getExpectedBodyHash(c.body),
    };
  }
  return {
    signature: webhooks.getExpectedTwilioSignature(c.key, c.url, form(c.pairs), c.algorithm),
    body_sha256: null,
  };
}

function validate(c) {
  try {
    if (c.body !== null) {
      return twilio.validateRequestWithBody(c.key, c.signature, c.url, c.body, c.algorithm);
    }
    return twilio.validateRequest(c.key, c.signature, c.url, form(c.pairs), c.algorithm);
  } catch (e) {
    // A URL that `new URL` refuses, in the normalized fallback: not valid.
    return false;
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString("utf-8"));
process.stdout.write(
  JSON.stringify({
    version,
    signed: request.sign.map(sign),
    validated: request.validate.map(validate),
  }),
);
