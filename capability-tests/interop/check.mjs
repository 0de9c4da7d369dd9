// Interop checks against the official Node libraries: twilio-node and jsonwebtoken.
//
// Run by capability-tests/tests/interop.rs as `node check.mjs <folder of setup.sh's npm install>`. Reads one JSON
// request on stdin and prints one JSON answer on stdout; the Rust test makes every assertion.
// The request and answer have the shape described in check.py, with these differences:
//   - the request has "now": the fixed time at which jsonwebtoken checks our tokens
//     (`clockTimestamp`), so no system clock is involved in verifying;
//   - each verified token has "jsonwebtoken" (no twilio-node reader exists for these tokens);
//   - the reading decodes the scope with decodeURIComponent after `+` → space (the form decoding
//     of the HTML standard), which throws on a malformed escape or invalid UTF-8;
//   - for a policy with both incoming and outgoing, a second token "<name> (no clientName)" is
//     generated without `clientName` on OutgoingClientScope: twilio-node adds it only when asked.
//   - Access Tokens ("access"): jsonwebtoken verifies ours with `complete: true` (header and
//     payload), at the fixed "access.now"; twilio-node's AccessToken generates from the same
//     inputs as check.py.
// Tokens are generated with Node's mock timers (node:test) setting `Date` to the fixed
// "generate.at": twilio-node reads `new Date()` for `exp`, jsonwebtoken `Date.now()` for `iat`.

import { createRequire } from "node:module";
import { mock } from "node:test";
import path from "node:path";

const nodeDir = process.argv[2];
if (!nodeDir) {
  throw new Error("usage: node check.mjs <folder holding node_modules/twilio>");
}
const require = createRequire(path.resolve(nodeDir, "package.json"));
const jsonwebtoken = require("jsonwebtoken");
const twilio = require("twilio");
const { IncomingClientScope, OutgoingClientScope, EventStreamScope } = twilio.jwt.ClientCapability;

// Query keys whose value is itself a form-encoded query.
const NESTED = new Set(["appParams", "params"]);

function formDecode(component) {
  return decodeURIComponent(component.replaceAll("+", " "));
}

function formPairs(query) {
  if (query === "") return [];
  return query.split("&").map((field) => {
    const eq = field.indexOf("=");
    if (eq < 0) throw new Error(`bad query field: ${JSON.stringify(field)}`);
    return [formDecode(field.slice(0, eq)), formDecode(field.slice(eq + 1))];
  });
}

// Reads a scope claim independently of our library; the same shape as check.py's read_scope.
function readScope(scope) {
  const order = [];
  const scopes = {};
  for (const uri of scope.split(" ")) {
    const q = uri.indexOf("?");
    const [name, query] = q < 0 ? [uri, ""] : [uri.slice(0, q), uri.slice(q + 1)];
    if (name in scopes) throw new Error(`scope ${name} appears twice`);
    const params = {};
    for (const [key, value] of formPairs(query)) {
      if (key in params) throw new Error(`parameter ${key} appears twice in ${name}`);
      params[key] = NESTED.has(key) ? formPairs(value) : value;
    }
    order.push(name);
    scopes[name] = params;
  }
  return { order, scopes };
}

function verify(request, item) {
  let result;
  let reading = null;
  try {
    const claims = jsonwebtoken.verify(item.token, item.auth_token, {
      algorithms: ["HS256"],
      issuer: request.account_sid,
      clockTimestamp: request.now,
    });
    result = { ok: true, claims };
  } catch (e) {
    return { name: item.name, jsonwebtoken: { ok: false, error: `${e.name}: ${e.message}` }, reading };
  }
  try {
    reading = readScope(result.claims.scope);
  } catch (e) {
    reading = { error: `${e.name}: ${e.message}` };
  }
  return { name: item.name, jsonwebtoken: result, reading };
}

// A JavaScript object enumerates integer-like keys first, in numeric order.
const isIndexKey = (key) => /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;

// The pairs as twilio-node takes them, an object; null when an object cannot keep them.
function asObject(pairs) {
  const keys = pairs.map(([k]) => k);
  if (new Set(keys).size !== keys.length || keys.some(isIndexKey)) return null;
  return Object.fromEntries(pairs);
}

function generate(request, c, withClientName) {
  const capability = new twilio.jwt.ClientCapability({
    accountSid: request.account_sid,
    authToken: request.auth_token,
    ttl: c.ttl,
  });
  const incoming = c.scopes.find((s) => s.kind === "incoming");
  for (const scope of c.scopes) {
    if (scope.kind === "incoming") {
      capability.addScope(new IncomingClientScope(scope.client_name));
      continue;
    }
    const pairs = scope.kind === "outgoing" ? scope.params : scope.filters;
    const object = asObject(pairs);
    if (object === null) {
      return { unsupported: "an object cannot hold a repeated key or keep an integer-like key in place" };
    }
    if (scope.kind === "outgoing") {
      const options = { applicationSid: scope.app_sid };
      if (withClientName && incoming) options.clientName = incoming.client_name;
      if (pairs.length > 0) options.params = object;
      capability.addScope(new OutgoingClientScope(options));
    } else {
      capability.addScope(new EventStreamScope(object));
    }
  }
  return { token: capability.toJwt() };
}

function accessVerify(access, item) {
  try {
    const decoded = jsonwebtoken.verify(item.token, item.secret, {
      algorithms: ["HS256"],
      issuer: access.api_key_sid,
      subject: access.account_sid,
      clockTimestamp: access.now,
      complete: true,
    });
    return {
      name: item.name,
      jsonwebtoken: { ok: true, claims: { header: decoded.header, payload: decoded.payload } },
    };
  } catch (e) {
    return { name: item.name, jsonwebtoken: { ok: false, error: `${e.name}: ${e.message}` } };
  }
}

// The grants of the inputs format (see check.py), as twilio-node's classes take them.
const { AccessToken } = twilio.jwt;
const GRANTS = {
  voice: (g) =>
    new AccessToken.VoiceGrant({
      incomingAllow: g.incoming_allow,
      outgoingApplicationSid: g.outgoing_application_sid,
      outgoingApplicationParams: g.outgoing_application_params,
      pushCredentialSid: g.push_credential_sid,
      endpointId: g.endpoint_id,
    }),
  video: (g) => new AccessToken.VideoGrant({ room: g.room }),
  chat: (g) =>
    new AccessToken.ChatGrant({
      serviceSid: g.service_sid,
      endpointId: g.endpoint_id,
      deploymentRoleSid: g.deployment_role_sid,
      pushCredentialSid: g.push_credential_sid,
    }),
  sync: (g) => new AccessToken.SyncGrant({ serviceSid: g.service_sid, endpointId: g.endpoint_id }),
  task_router: (g) =>
    new AccessToken.TaskRouterGrant({ workspaceSid: g.workspace_sid, workerSid: g.worker_sid, role: g.role }),
  player: (g) => new AccessToken.PlaybackGrant({ grant: g.grant }),
};

function accessGenerate(access, c) {
  const inputs = c.inputs;
  const options = { identity: inputs.identity };
  if (inputs.ttl !== null) options.ttl = inputs.ttl;
  if (inputs.nbf !== null) options.nbf = inputs.nbf;
  if (inputs.region !== null) options.region = inputs.region;
  const token = new AccessToken(access.account_sid, access.api_key_sid, access.secret, options);
  for (const grant of inputs.grants) token.addGrant(GRANTS[grant.type](grant));
  return { name: c.name, token: token.toJwt() };
}

function main(input) {
  const request = JSON.parse(input);
  const verified = request.verify.map((item) => verify(request, item));

  const generated = [];
  mock.timers.enable({ apis: ["Date"], now: request.generate.at * 1000 });
  try {
    for (const c of request.generate.cases) {
      generated.push({ name: c.name, ...generate(request, c, true) });
      const kinds = c.scopes.map((s) => s.kind);
      if (kinds.includes("incoming") && kinds.includes("outgoing")) {
        generated.push({ name: `${c.name} (no clientName)`, ...generate(request, c, false) });
      }
    }
  } finally {
    mock.timers.reset();
  }

  let access;
  if (request.access) {
    const verified = request.access.verify.map((item) => accessVerify(request.access, item));
    const generated = [];
    mock.timers.enable({ apis: ["Date"], now: request.access.generate.at * 1000 });
    try {
      for (const c of request.access.generate.cases) generated.push(accessGenerate(request.access, c));
    } finally {
      mock.timers.reset();
    }
    access = { verified, generated };
  }

  const versions = {
    twilio: require("twilio/package.json").version,
    jsonwebtoken: require("jsonwebtoken/package.json").version,
    node: process.versions.node,
  };
  process.stdout.write(JSON.stringify({ versions, verified, generated, access }));
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => main(input));
