//! `capability webhook sign` and `capability webhook verify`: Twilio's webhook signatures
//! (`X-Twilio-Signature`), computed and checked as Twilio and the official libraries do, and a
//! diagnosis of the usual mistakes when a signature does not match.

use std::env;
use std::io::Read as _;

use capability_runtime::webhook::{
    body_sha256, Algorithm, AuthToken, FormParams, Request, SharedKey, SignatureSettings,
    SignedWith, UrlForm, Validated, Validator, WebhookError, MAX_BODY_LEN,
};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Value};

use crate::decode::json_line;
use crate::output::{clean, error_line, styled, Outcome, GOOD, HEADING};

pub const AUTH_TOKEN: &str = "TWILIO_AUTH_TOKEN";
pub const AUTH_TOKEN_SECONDARY: &str = "TWILIO_AUTH_TOKEN_SECONDARY";
pub const WEBHOOK_SECRET: &str = "TWILIO_WEBHOOK_SECRET";

#[derive(Debug, Args)]
pub struct WebhookArgs {
    #[command(subcommand)]
    pub command: WebhookCommand,
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Print the X-Twilio-Signature Twilio would send for a request
    #[command(
        long_about = "\
Print the X-Twilio-Signature Twilio would send for a request to URL with these form parameters
(or this JSON body): the base64 HMAC of the URL followed by the parameters sorted by name, each
name followed by its values, sorted and de-duplicated.

Without --algorithm, the key is the auth token (HMAC-SHA1). With --algorithm, it is a SharedKey
secret, as Twilio signs when it sends X-Twilio-Webhooks-Signature-Settings.",
        after_help = "\
Secrets come from the environment, never from arguments:
  TWILIO_AUTH_TOKEN      the account's auth token (without --algorithm)
  TWILIO_WEBHOOK_SECRET  the SharedKey's secret (with --algorithm)

Examples:
  capability webhook sign --url https://example.com/voice --param To=+15551234567 --param From=client:alice
  capability webhook sign --url 'https://example.com/hook?bodySHA256=…' --body event.json --algorithm HMAC_SHA256

Exit status: 0 signed; 2 wrong usage or a missing secret."
    )]
    Sign(SignArgs),

    /// Check an X-Twilio-Signature, and explain a mismatch
    #[command(
        long_about = "\
Check an X-Twilio-Signature for a request to URL with these form parameters (or this JSON body),
as a server must before it answers. When it does not match, say why in one line, then try the
variants that explain the usual mistakes (http against https, a trailing slash, the query string,
with and without the port, each under the auth token and its secondary) and name the one that
matches. A variant that matches is a diagnosis only: the signature stays invalid.",
        after_help = "\
Secrets come from the environment, never from arguments:
  TWILIO_AUTH_TOKEN            the account's auth token
  TWILIO_AUTH_TOKEN_SECONDARY  optional: the other auth token while it is rotated (also accepted)
  TWILIO_WEBHOOK_SECRET        the SharedKey's secret (with --signature-settings)

Examples:
  capability webhook verify --url https://example.com/voice --signature 'RSOY…=' --param To=+15551234567
  capability webhook verify --json --url URL --signature SIG --signature-settings 'key=…,algorithm=HMAC_SHA256' --body event.json

Exit status: 0 valid; 1 invalid (one line on standard error says why, then the diagnosis);
2 wrong usage or a missing secret."
    )]
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The URL Twilio requested, as configured in the Twilio Console (scheme, host, port, path,
    /// query)
    #[arg(long, value_name = "URL")]
    pub url: String,

    /// A form parameter; repeat it for each, a name may repeat; split at the first `=`
    #[arg(long = "param", value_name = "NAME=VALUE", allow_hyphen_values = true)]
    pub params: Vec<String>,

    /// A JSON body (its URL carries bodySHA256): a file, or `-` for standard input
    #[arg(long, value_name = "FILE|-", conflicts_with = "params")]
    pub body: Option<String>,

    /// Print one JSON object instead of prose
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub request: RequestArgs,

    /// Sign with the SharedKey secret (TWILIO_WEBHOOK_SECRET) and this algorithm, instead of the
    /// auth token
    #[arg(long, value_name = "ALGORITHM")]
    pub algorithm: Option<AlgorithmArg>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub request: RequestArgs,

    /// The X-Twilio-Signature header's value
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    pub signature: String,

    /// The X-Twilio-Webhooks-Signature-Settings header's value (key=<id>,algorithm=<name>): the
    /// request is signed with the SharedKey secret (TWILIO_WEBHOOK_SECRET)
    #[arg(long, value_name = "VALUE")]
    pub signature_settings: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[allow(non_camel_case_types)]
pub enum AlgorithmArg {
    #[value(name = "HMAC_SHA1")]
    HMAC_SHA1,
    #[value(name = "HMAC_SHA256")]
    HMAC_SHA256,
}

/// The request's body: form parameters or a JSON body.
enum Body {
    Form(FormParams),
    Json(Vec<u8>),
}

pub fn run(args: &WebhookArgs) -> Outcome {
    match &args.command {
        WebhookCommand::Sign(a) => sign(a),
        WebhookCommand::Verify(a) => verify(a),
    }
}

/// A secret from the environment: set, non-empty, UTF-8; otherwise a usage error naming it.
fn secret(name: &str, what: &str) -> Result<String, Outcome> {
    match env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) => Err(Outcome::error(
            2,
            format!("{name} is empty; set it to {what} (it is read from the environment, never from an argument)"),
        )),
        Err(env::VarError::NotPresent) => Err(Outcome::error(
            2,
            format!("{name} is not set; set it to {what} (it is read from the environment, never from an argument)"),
        )),
        Err(env::VarError::NotUnicode(_)) => Err(Outcome::error(
            2,
            format!("{name} is not UTF-8 text; set it to {what}"),
        )),
    }
}

/// The parameters or the body of the command line; usage errors exit 2.
fn body(request: &RequestArgs) -> Result<Body, Outcome> {
    if let Some(source) = &request.body {
        let mut bytes = Vec::new();
        let read = if source == "-" {
            std::io::stdin()
                .take(MAX_BODY_LEN as u64 + 1)
                .read_to_end(&mut bytes)
        } else {
            std::fs::File::open(source)
                .and_then(|f| f.take(MAX_BODY_LEN as u64 + 1).read_to_end(&mut bytes))
        };
        if let Err(e) = read {
            return Err(Outcome::error(2, format!("cannot read the body: {e}")));
        }
        if bytes.len() > MAX_BODY_LEN {
            return Err(Outcome::error(
                2,
                WebhookError::BodyTooLarge { max: MAX_BODY_LEN },
            ));
        }
        return Ok(Body::Json(bytes));
    }
    let mut params = FormParams::new();
    for (i, param) in request.params.iter().enumerate() {
        let Some((name, value)) = param.split_once('=') else {
            return Err(Outcome::error(
                2,
                format!(
                    "--param number {} has no '=': write --param NAME=VALUE (VALUE may be empty)",
                    i + 1
                ),
            ));
        };
        if let Err(e) = params.push(name, value) {
            return Err(Outcome::error(2, e));
        }
    }
    Ok(Body::Form(params))
}

fn sign(args: &SignArgs) -> Outcome {
    let body = match body(&args.request) {
        Ok(body) => body,
        Err(outcome) => return outcome,
    };
    let url = args.request.url.as_str();
    let no_params = FormParams::new();
    let params = match &body {
        Body::Form(params) => params,
        Body::Json(bytes) => {
            let hash = body_sha256(bytes);
            match query_value(url, "bodySHA256") {
                Some(given) if given == hash => &no_params,
                Some(_) => {
                    return Outcome::error(
                        2,
                        format!("the URL's bodySHA256 is not the body's SHA-256, which is {hash}"),
                    )
                }
                None => {
                    return Outcome::error(
                        2,
                        format!(
                            "a JSON body is signed with its SHA-256 in the URL: add bodySHA256={hash} to the URL's query"
                        ),
                    )
                }
            }
        }
    };
    let (signed, algorithm, key) = match args.algorithm {
        None => {
            let token = match secret(
                AUTH_TOKEN,
                "your account's auth token (in the Twilio Console)",
            )
            .and_then(|t| AuthToken::new(&t).map_err(|e| Outcome::error(2, e)))
            {
                Ok(token) => token,
                Err(outcome) => return outcome,
            };
            (token.sign(url, params), Algorithm::HmacSha1, "auth_token")
        }
        Some(arg) => {
            let algorithm = match arg {
                AlgorithmArg::HMAC_SHA1 => Algorithm::HmacSha1,
                AlgorithmArg::HMAC_SHA256 => Algorithm::HmacSha256,
            };
            let key = match secret(WEBHOOK_SECRET, "the SharedKey's secret")
                .and_then(|s| SharedKey::new("cli", &s).map_err(|e| Outcome::error(2, e)))
            {
                Ok(key) => key,
                Err(outcome) => return outcome,
            };
            (
                key.sign(algorithm, url, params),
                algorithm,
                "webhook_secret",
            )
        }
    };
    match signed {
        Ok(signature) if args.request.json => Outcome {
            stdout: json_line(&json!({
                "signature": signature,
                "algorithm": algorithm.name(),
                "key": key,
            })),
            ..Outcome::default()
        },
        Ok(signature) => Outcome {
            stdout: format!("{signature}\n"),
            ..Outcome::default()
        },
        Err(e) => Outcome::error(2, e),
    }
}

/// The first value of `name` in the URL's query, as written (a hex `bodySHA256` needs no
/// decoding).
fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
        (n == name).then(|| v.to_owned())
    })
}

/// The keys of `verify`: from the settings header, the SharedKey secret under the id it names;
/// otherwise the auth token and, when set, its secondary.
fn validator(settings: Option<&str>) -> Result<Result<Validator, WebhookError>, Outcome> {
    match settings {
        Some(header) => {
            let settings = match SignatureSettings::parse(header) {
                Ok(settings) => settings,
                Err(e) => return Ok(Err(e)),
            };
            let secret = secret(WEBHOOK_SECRET, "the SharedKey's secret")?;
            let key =
                SharedKey::new(settings.key_id(), &secret).map_err(|e| Outcome::error(2, e))?;
            Ok(Validator::shared_keys_only().with_shared_key(key))
        }
        None => {
            let primary = secret(
                AUTH_TOKEN,
                "your account's auth token (in the Twilio Console)",
            )?;
            let mut validator =
                Validator::new(AuthToken::new(&primary).map_err(|e| Outcome::error(2, e))?);
            if let Ok(secondary) = env::var(AUTH_TOKEN_SECONDARY) {
                if !secondary.is_empty() {
                    validator = validator.with_secondary(
                        AuthToken::new(&secondary).map_err(|e| Outcome::error(2, e))?,
                    );
                }
            }
            Ok(Ok(validator))
        }
    }
}

fn check(
    validator: &Validator,
    url: &str,
    body: &Body,
    args: &VerifyArgs,
) -> Result<Validated, WebhookError> {
    let request = match body {
        Body::Form(params) => Request::form(url, params),
        Body::Json(bytes) => Request::json(url, bytes),
    };
    validator.validate(
        &request
            .signature(Some(&args.signature))
            .settings(args.signature_settings.as_deref()),
    )
}

fn verify(args: &VerifyArgs) -> Outcome {
    let body = match body(&args.request) {
        Ok(body) => body,
        Err(outcome) => return outcome,
    };
    let validator = match validator(args.signature_settings.as_deref()) {
        Ok(Ok(validator)) => validator,
        Ok(Err(e)) => return invalid(args, &e, None),
        Err(outcome) => return outcome,
    };
    let url = args.request.url.as_str();
    match check(&validator, url, &body, args) {
        Ok(validated) => valid(args, &validated),
        Err(e @ WebhookError::Mismatch) => {
            let found = variants(url).into_iter().find_map(|(variant, changes)| {
                check(&validator, &variant, &body, args)
                    .ok()
                    .map(|validated| (variant, changes, validated))
            });
            invalid(args, &e, Some(found))
        }
        Err(e) => invalid(args, &e, None),
    }
}

/// One change to the URL, and what it tells when the signature matches with it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Change {
    ToHttps,
    ToHttp,
    AddSlash,
    RemoveSlash,
    DropQuery,
}

impl Change {
    fn name(self) -> &'static str {
        match self {
            Change::ToHttps => "https",
            Change::ToHttp => "http",
            Change::AddSlash => "trailing_slash_added",
            Change::RemoveSlash => "trailing_slash_removed",
            Change::DropQuery => "query_removed",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Change::ToHttps => {
                "a proxy or tunnel terminates TLS, so the server sees http://; configure the public https URL"
            }
            Change::ToHttp => {
                "the webhook is configured with http:// in the Twilio Console; validate against that URL, or configure https:// there"
            }
            Change::AddSlash => "the configured URL ends with '/'; keep it",
            Change::RemoveSlash => "the configured URL has no trailing '/'; drop it",
            Change::DropQuery => {
                "the configured URL has no query string; the one given was added after Twilio signed"
            }
        }
    }
}

/// The URL variants that explain the usual mistakes, simplest first. The port is not among them:
/// the validator itself tries each URL with and without it, and reports which matched.
fn variants(url: &str) -> Vec<(String, Vec<Change>)> {
    let (scheme_change, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (Change::ToHttp, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (Change::ToHttps, rest)
    } else {
        return Vec::new();
    };
    let (before_query, query) = match rest.find(['?', '#']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let slash_change = if before_query.ends_with('/') {
        Change::RemoveSlash
    } else {
        Change::AddSlash
    };
    let mut out = Vec::new();
    // Each subset of the three changes, fewest first.
    let subsets: [&[usize]; 7] = [&[0], &[1], &[2], &[0, 1], &[0, 2], &[1, 2], &[0, 1, 2]];
    for subset in subsets {
        if subset.contains(&2) && query.is_empty() {
            continue;
        }
        let scheme = if subset.contains(&0) == (scheme_change == Change::ToHttp) {
            "http://"
        } else {
            "https://"
        };
        let mut path = before_query.to_owned();
        if subset.contains(&1) {
            match slash_change {
                Change::RemoveSlash => {
                    path.pop();
                }
                _ => path.push('/'),
            }
        }
        let query = if subset.contains(&2) { "" } else { query };
        let changes = subset
            .iter()
            .map(|&i| [scheme_change, slash_change, Change::DropQuery][i])
            .collect();
        out.push((format!("{scheme}{path}{query}"), changes));
    }
    out
}

/// The URL a signature is for: `url` as the validator changed its port.
fn signed_url(url: &str, form: UrlForm) -> String {
    let scheme_len = url.find("://").map_or(0, |at| at + 3);
    let after = &url[scheme_len..];
    let authority_len = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..authority_len];
    let bracket = authority.rfind(']').map_or(0, |at| at + 1);
    let host_len = authority[bracket..]
        .find(':')
        .map_or(authority.len(), |at| bracket + at);
    let (head, rest) = (&url[..scheme_len + host_len], &after[authority_len..]);
    match form {
        UrlForm::AsGiven => url.to_owned(),
        UrlForm::WithoutPort => format!("{head}{rest}"),
        UrlForm::WithDefaultPort => {
            let port = if url.starts_with("https://") {
                ":443"
            } else {
                ":80"
            };
            format!("{head}{port}{rest}")
        }
    }
}

fn url_form_name(form: UrlForm) -> &'static str {
    match form {
        UrlForm::AsGiven => "as_given",
        UrlForm::WithoutPort => "without_port",
        UrlForm::WithDefaultPort => "with_default_port",
    }
}

fn key_name(signed_with: &SignedWith) -> (&'static str, String) {
    match signed_with {
        SignedWith::AuthToken => ("auth_token", format!("the auth token ({AUTH_TOKEN})")),
        SignedWith::SecondaryAuthToken => (
            "secondary_auth_token",
            format!("the secondary auth token ({AUTH_TOKEN_SECONDARY}): finish the rotation, then unset it"),
        ),
        SignedWith::SharedKey(_) => ("webhook_secret", format!("the SharedKey secret ({WEBHOOK_SECRET})")),
    }
}

fn valid(args: &VerifyArgs, validated: &Validated) -> Outcome {
    let (key, key_text) = key_name(validated.signed_with());
    let form = validated.url_form();
    if args.request.json {
        return Outcome {
            stdout: json_line(&json!({
                "valid": true,
                "signed_with": key,
                "url_form": url_form_name(form),
            })),
            ..Outcome::default()
        };
    }
    let url_text = match form {
        UrlForm::AsGiven => "the URL as given",
        UrlForm::WithoutPort => "the URL without its port",
        UrlForm::WithDefaultPort => "the URL with its scheme's default port",
    };
    Outcome {
        stdout: format!(
            "{}: signed with {key_text}, for {url_text}\n",
            styled(GOOD, "valid")
        ),
        ..Outcome::default()
    }
}

/// Exit 1: one line why, then (for a mismatch) the variant that matches, or that none did.
fn invalid(
    args: &VerifyArgs,
    error: &WebhookError,
    diagnosis: Option<Option<(String, Vec<Change>, Validated)>>,
) -> Outcome {
    let reason = error.to_string();
    let mut stderr = error_line("invalid", &reason);
    let mut json_diagnosis = Value::Null;
    match &diagnosis {
        None => {}
        Some(Some((url, changes, validated))) => {
            let hints: Vec<&str> = changes.iter().map(|c| c.hint()).collect();
            let url = signed_url(url, validated.url_form());
            let (key, key_text) = key_name(validated.signed_with());
            stderr.push_str(&format!(
                "{}: the signature is for {}, signed with {key_text}: {}\n",
                styled(HEADING, "diagnosis"),
                clean(&url),
                hints.join("; ")
            ));
            json_diagnosis = json!({
                "url": url,
                "changes": changes.iter().map(|c| c.name()).collect::<Vec<_>>(),
                "url_form": url_form_name(validated.url_form()),
                "signed_with": key,
                "hint": hints.join("; "),
            });
        }
        Some(None) => {
            let secondary = if args.signature_settings.is_none()
                && env::var(AUTH_TOKEN_SECONDARY).map_or(true, |v| v.is_empty())
            {
                format!("; {AUTH_TOKEN_SECONDARY} is not set")
            } else {
                String::new()
            };
            stderr.push_str(&format!(
                "{}: no variant matches (http/https, trailing slash, query string, port{secondary}): check the secret, and that every parameter Twilio sent is given, repeats included\n",
                styled(HEADING, "diagnosis"),
            ));
        }
    }
    let mut outcome = Outcome {
        stderr,
        code: 1,
        ..Outcome::default()
    };
    if args.request.json {
        outcome.stdout = json_line(&json!({
            "valid": false,
            "error": reason,
            "diagnosis": json_diagnosis,
        }));
    }
    outcome
}
