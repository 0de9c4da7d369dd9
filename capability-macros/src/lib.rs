//! The `capability!` macro of the [`capability`](https://docs.rs/capability) crate: Twilio
//! Client capability policies declared in source and checked by the compiler.
//!
//! Use it through `capability`, which re-exports it: the expansion refers to the runtime through
//! `::capability::__private`. Its documentation, with examples, is on [`capability!`].
//!
//! The pipeline reads parse → validate → expand: `ast.rs` builds a typed model of the tokens
//! (keeping spans), `valid.rs` checks it with the runtime's own rules and collects every
//! mistake, `expand.rs` generates the code, `fallback.rs` the code beside the errors.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod access;
mod expand;
mod fallback;
#[cfg(test)]
mod never_panics;

use capability_runtime::__private::dsl::ast::{Body, Grammar, Input};
use capability_runtime::__private::dsl::valid::{self, GRAMMAR};

use proc_macro2::TokenStream;

/// Declares a token policy, checked at compile time; evaluates to a `capability::Policy`.
///
/// ```
/// use capability::{capability, Credentials, Policy};
///
/// const SUPPORT_DESK: Policy = capability! {
///     incoming "Alice";
///     outgoing "AP0123456789abcdef0123456789abcdef" { Foo = "Bar", "Queue-Name" = "support desk" };
///     events { Level = "error" };
///     ttl 10m;
/// };
///
/// let credentials = Credentials::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "auth token")?;
/// let token = SUPPORT_DESK.sign(&credentials)?;
/// assert_eq!(credentials.verify(token.as_str())?.grants(), SUPPORT_DESK.grants());
/// # Ok::<(), capability::Error>(())
/// ```
///
/// # Grammar
///
/// Statements, separated by `;` (the last `;` is optional), in any order, each at most once.
/// A keyword may be written as a raw identifier (`r#incoming`).
/// The scopes appear in the token in the order of their statements.
///
/// | statement | grants |
/// |---|---|
/// | `incoming "Alice";` | receive calls as the client name `Alice` |
/// | `outgoing "AP…";` | place calls through the TwiML application `AP…` |
/// | `outgoing "AP…" { Key = "value", … };` | the same, Twilio passing these parameters to the application |
/// | `events;` or `events { Key = "value", … };` | subscribe to the account's event stream, with these filters |
/// | `ttl 10m;` | tokens valid for 10 minutes (the default is `1h`) |
/// | `crate = ::path;` | the path of the `capability` crate, when its dependency is renamed |
///
/// - A key is an identifier (`Foo`, `type`) or a string literal (`"Queue-Name"`); a value is a
///   string literal. A block may end with a comma; keys must be distinct within a block.
/// - A duration is a whole number with a unit, `s`, `m` or `h`, or a compound from the largest
///   unit to the smallest: `90s`, `10m`, `1h30m`, `1h0m1s`. From `1s` to `24h`.
/// - When the policy grants both `incoming` and `outgoing`, the outgoing scope carries the client
///   name as the caller's identity, as twilio-php does.
///
/// # Run-time values
///
/// Any literal may be replaced by an expression in braces: a `ClientName` for `incoming`, an
/// `AppSid` for `outgoing`, anything `Into<String>` for a parameter or filter value. The types
/// prove the name and the SID were validated (`ClientName::new`, `AppSid::new`), so the macro
/// needs no run-time check for them; passing a `&str` is a type error. The rest of the policy
/// (the literals, the keys, the TTL, the grammar) is still checked at compile time.
///
/// A policy is never larger than the verifier accepts (`MAX_TOKEN_LEN`). Names and SIDs are
/// bounded by their types, so with run-time names and SIDs the macro proves the size at compile
/// time and evaluates to a `Policy`. A run-time parameter or filter value can be of any length:
/// with one, the macro evaluates to `Result<Policy, Error>`, `Err(Error::PolicyTooLarge)` when
/// the values make the tokens too long.
///
/// ```
/// use capability::{capability, AppSid, ClientName, Policy};
///
/// fn policy_for(user: ClientName, app_sid: AppSid) -> Policy {
///     capability! {
///         incoming {user};
///         outgoing {app_sid} { Region = "eu" };
///         ttl 1h30m;
///     }
/// }
///
/// fn queue_policy(user: ClientName, queue: &str) -> Result<Policy, capability::Error> {
///     capability! {
///         incoming {user};
///         events { Queue = {queue} };
///     }
/// }
///
/// let user = ClientName::new("bob_42")?;
/// let app_sid = AppSid::new("AP0123456789abcdef0123456789abcdef")?;
/// let policy = policy_for(user.clone(), app_sid);
/// assert_eq!(policy.grants().outgoing().unwrap().params(), &[("Region", "eu")]);
/// let policy = queue_policy(user, "billing")?;
/// assert_eq!(policy.grants().events().unwrap().filters(), &[("Queue", "billing")]);
/// # Ok::<(), capability::Error>(())
/// ```
///
/// The expressions are evaluated once each, in statement order, in the caller's scope: `?` and
/// `.await` work inside them.
///
/// # Expansion
///
/// With only literals, the policy is built at compile time by the runtime's own builder and
/// encoder, and embedded: the macro is a constant expression, usable in a `const` or `static`
/// item, and signing it only appends the issuer and expiry and computes the HMAC. With any
/// `{expr}`, the macro expands to a template: a `static` holding the literals and the place of
/// each value, which the runtime encodes once, on first use, with the builder's own encoder,
/// precomputing the base64 of the text between the values. Each evaluation then makes the policy
/// from the values without allocating or checking what the compiler checked, and signing encodes
/// only the values besides the expiry. It is an ordinary expression, not a constant (in a
/// `static`, wrap it in a `std::sync::LazyLock`). A policy with more than four values expands to
/// the run-time builder calls instead. Either way, signing gives exactly the bytes
/// `Policy::builder()…build()` gives for the same policy.
///
/// The expansion refers to the runtime through `::capability`, so it works under any import
/// (`use capability::capability;`, `capability::capability! { … }`, a glob or a rename). When
/// the dependency itself is renamed in `Cargo.toml` (`cap = { package = "capability", … }`),
/// name it with a `crate` statement, as `#[serde(crate = "…")]` does:
///
/// ```
/// # extern crate capability as cap;
/// const POLICY: cap::Policy = cap::capability! { crate = ::cap; incoming "Alice" };
/// ```
///
/// # Compile errors
///
/// Each mistake is its own error, pointing at the offending token, and one compile reports every
/// independent mistake of an invocation. The literals are checked by the runtime's own rules, so
/// the messages are those of `capability::Error`:
///
/// ```text
/// error: Application SID `AP123` has 5 characters; it must be `AP` followed by exactly 32 hexadecimal digits (34 characters)
///  --> src/main.rs:4:14
///   |
/// 4 |     outgoing "AP123";
///   |              ^^^^^^^
/// ```
///
/// - an Application SID that is not `AP` and 32 hexadecimal digits: the message names the
///   problem (length, prefix, the bad character and its position) and recognises other kinds of
///   SID (`AC…` is an Account SID, `CA…` a Call SID, …);
/// - a client name that is empty, longer than 121 characters or with a character other than
///   `A-Z a-z 0-9 _` (named, with its position);
/// - a TTL without a unit (`ttl 600` → help: write `600s`), with an unknown unit, a type
///   suffix (`600u32`), an exponent (`1e3s`), a fraction (`1.5h` → help: write `1h30m`), zero,
///   negative, over `24h` or too large to count;
/// - a policy of literals whose tokens would be longer than the verifier accepts
///   (`MAX_TOKEN_LEN`): the error points at the largest literal;
/// - a value that is neither a literal nor `{expr}` (such as a macro call passed through a
///   `macro_rules!` argument): the message says what was found, with a fix only where the fix
///   compiles;
/// - an unknown statement (`incomming` → did you mean `incoming`?), a statement given twice (the
///   second, with the first pointed at), a key given twice in a block, an empty key, a policy
///   that grants nothing, a stray token or a missing `;`.
///
/// ```compile_fail
/// # use capability::{capability, Policy};
/// const BAD_SID: Policy = capability! { outgoing "AP123" };
/// ```
/// ```compile_fail
/// # use capability::{capability, Policy};
/// const BAD_NAME: Policy = capability! { incoming "alice-smith" };
/// ```
/// ```compile_fail
/// # use capability::{capability, Policy};
/// const NO_UNIT: Policy = capability! { incoming "Alice"; ttl 600 };
/// ```
/// ```compile_fail
/// # use capability::{capability, Policy};
/// const TYPO: Policy = capability! { incomming "Alice" };
/// ```
/// ```compile_fail
/// # use capability::{capability, Policy};
/// const NOTHING: Policy = capability! { ttl 10m };
/// ```
/// ```compile_fail
/// # use capability::capability;
/// let name = "Alice"; // not a validated `ClientName`
/// let policy = capability! { incoming {name} };
/// ```
///
/// The exact text of every error is pinned by the UI tests in the repository's
/// `capability-tests/tests/ui/`.
#[proc_macro]
pub fn capability(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand_capability(input.into()).into()
}

/// Declares an Access Token policy, checked at compile time; evaluates to a
/// `capability::AccessPolicy` (with only literals, a constant), or to
/// `Result<AccessPolicy, Error>` with `{expr}` values.
///
/// ```
/// use capability::{access_token, AccessPolicy, ApiKey};
///
/// const AGENT: AccessPolicy = access_token! {
///     identity "alice";
///     voice {
///         incoming;
///         outgoing "AP0123456789abcdef0123456789abcdef" { To = "+15551234567" };
///         push_credential "CR0123456789abcdef0123456789abcdef";
///         endpoint "alice-iphone";
///     };
///     video { room "DailyStandup" };
///     chat { service "IS0123456789abcdef0123456789abcdef"; endpoint "alice-web" };
///     sync { service "IS0123456789abcdef0123456789abcdef" };
///     task_router {
///         workspace "WS0123456789abcdef0123456789abcdef";
///         worker "WK0123456789abcdef0123456789abcdef";
///         role "worker";
///     };
///     region "ie1";
///     ttl 1h;
/// };
///
/// let key = ApiKey::new(
///     "AC0123456789abcdef0123456789abcdef",
///     "SK0123456789abcdef0123456789abcdef",
///     "api key secret",
/// )?;
/// let token = AGENT.sign_at(&key, 1_700_000_000);
/// let verified = key.verify_at(token.as_str(), 1_700_000_001)?;
/// assert_eq!(verified.identity().map(|i| i.as_str()), Some("alice"));
/// assert_eq!(verified.grants(), AGENT.grants());
/// # Ok::<(), capability::Error>(())
/// ```
///
/// # Grammar
///
/// Statements, separated by `;` (the last optional), in any order, each at most once. Grants
/// appear in the token in statement order.
///
/// | statement | meaning |
/// |---|---|
/// | `identity "alice";` | who the token is for (required; with `voice`, letters, digits and `_` only) |
/// | `voice;` or `voice { … };` | Voice: `incoming;`, `outgoing "AP…" { Key = "value" };`, `push_credential "CR…";`, `endpoint "…";` |
/// | `video;` or `video { room "…" };` | Video: any room, or one room (name or `RM…` SID) |
/// | `chat { … };` | Conversations: `service "IS…";`, `endpoint "…";`, `deployment_role "RL…";`, `push_credential "CR…";` |
/// | `sync { … };` | Sync: `service "IS…";`, `endpoint "…";` |
/// | `task_router { … };` | TaskRouter: `workspace "WS…";`, `worker "WK…";`, `role "…";` |
/// | `region "ie1";` | the account's home region (the `twr` header) |
/// | `ttl 1h;` | lifetime, from `1s` to `24h` (default `1h`), as in `capability!` |
/// | `crate = ::path;` | the path of the `capability` crate, when its dependency is renamed |
///
/// Inner statements end with `;`, the last optional. Every literal is checked at compile time
/// by the runtime's own rules, with the messages of `capability::Error`: SIDs of the wrong kind,
/// an identity Twilio refuses for voice, a missing identity, unknown grants or fields (with a
/// suggestion for near misses), duplicates, a TTL out of range, a bad region, a policy too large
/// to verify. A playback grant is builder-only (`AccessPolicy::builder().playback(…)`).
///
/// # Run-time values
///
/// Any value may be an expression in braces: an `Identity` or `ClientName` for `identity`, the
/// SID type of a SID field (`AppSid`, `CredentialSid`, `ServiceSid`, `RoleSid`,
/// `WorkspaceSid`, `WorkerSid`), a `Region`, anything `Into<String>` for text. The voice rule on
/// the identity, an empty text and the size limit then depend on the values: the macro
/// evaluates to `Result<AccessPolicy, Error>`, with the errors of
/// `AccessPolicy::builder()…build()`.
///
/// As for `capability!`, such a policy expands to a template: encoded once, on first use, by the
/// builder, then filled with the values at each evaluation, checking only what depends on them;
/// signing encodes the values and the time besides the HMAC. The tokens are those of the builder
/// for the same values. A policy whose region is an `{expr}`, or with more than four values
/// besides the identity, expands to the builder calls instead.
///
/// ```
/// use capability::{access_token, AccessPolicy, ClientName};
///
/// fn policy_for(user: ClientName) -> Result<AccessPolicy, capability::Error> {
///     access_token! { identity {user}; voice { incoming }; ttl 10m }
/// }
/// let policy = policy_for(ClientName::new("bob_42")?)?;
/// assert_eq!(policy.identity().as_str(), "bob_42");
/// # Ok::<(), capability::Error>(())
/// ```
///
/// ```compile_fail
/// # use capability::{access_token, AccessPolicy};
/// const NO_IDENTITY: AccessPolicy = access_token! { video };
/// ```
/// ```compile_fail
/// # use capability::{access_token, AccessPolicy};
/// const VOICE_NAME: AccessPolicy = access_token! { identity "alice smith"; voice { incoming } };
/// ```
/// ```compile_fail
/// # use capability::{access_token, AccessPolicy};
/// const WRONG_KIND: AccessPolicy = access_token! { identity "a"; sync { service "CR0123456789abcdef0123456789abcdef" } };
/// ```
#[proc_macro]
pub fn access_token(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand_access_token(input.into()).into()
}

/// The path given by a `crate = path;` statement, for the fallback.
fn krate_of(input: &Input) -> Option<TokenStream> {
    input.stmts.iter().find_map(|stmt| match &stmt.body {
        Body::Path(path) => Some(path.clone()),
        _ => None,
    })
}

fn parse(tokens: TokenStream, grammar: &'static Grammar) -> (Input, TokenStream) {
    let input = Input::parse(tokens, grammar);
    let krate = expand::krate(krate_of(&input).as_ref());
    (input, krate)
}

/// Parse → validate → expand; on any mistake, every error and a stand-in policy.
fn expand_capability(tokens: TokenStream) -> TokenStream {
    let (input, krate) = parse(tokens, &GRAMMAR);
    match valid::check(input) {
        Ok(checked) => expand::expand(&checked),
        Err(errors) => fallback::expand(errors, &krate),
    }
}

/// Parse → validate → expand, for `access_token!`.
fn expand_access_token(tokens: TokenStream) -> TokenStream {
    use capability_runtime::__private::dsl::access;
    let (input, krate) = parse(tokens, &access::GRAMMAR);
    match access::check(input) {
        Ok(checked) => crate::access::expand(&checked),
        Err(errors) => fallback::expand_access(errors, &krate),
    }
}
