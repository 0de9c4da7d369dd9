//! `POST /voice`: the Voice URL of the TwiML application an Access Token's outgoing grant names.
//! Twilio requests it when a device calls out, with the device's parameters; it answers TwiML
//! that dials. Behind [`TwilioWebhookLayer`]: a request whose `X-Twilio-Signature` does not
//! match is answered `403` and never reaches the handler.

use std::sync::Arc;

use axum::extract::Extension;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use capability::webhook::{AuthToken, FormParams, Validator};
use capability::ClientName;
use capability_tower::{PublicUrl, TwilioWebhookLayer};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::keys::{ConfigError, DEMO_AUTH_TOKEN};

/// The body limit of `/voice`: a Voice webhook is about 1 KB.
pub const VOICE_BODY_LIMIT: usize = 64 * 1024;

/// What `/voice` needs: the validator, the public URL Twilio signs and the caller ID.
#[derive(Clone, Debug)]
pub struct VoiceConfig {
    validator: Validator,
    public_url: PublicUrl,
    caller_id: Option<String>,
}

impl VoiceConfig {
    /// A configuration from its parts: `caller_id` is the `callerId` of calls to numbers.
    pub fn new(validator: Validator, public_url: PublicUrl, caller_id: Option<String>) -> Self {
        Self {
            validator,
            public_url,
            caller_id,
        }
    }

    /// From the environment: `PUBLIC_URL` (the public base URL Twilio requests, such as
    /// `https://abc.ngrok.app`; `None` when unset: no `/voice`), `TWILIO_AUTH_TOKEN` (the demo
    /// token when unset), `TWILIO_AUTH_TOKEN_SECONDARY` (optional, while the token is rotated) and
    /// `TWILIO_CALLER_ID` (optional).
    ///
    /// # Errors
    /// [`ConfigError::Webhook`] naming the variable the webhook layer refuses.
    pub fn from_vars(
        var: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(public_url) = var("PUBLIC_URL")? else {
            return Ok(None);
        };
        let refused = |var: &'static str| move |source| ConfigError::Webhook { var, source };
        let public_url = PublicUrl::base(&public_url).map_err(refused("PUBLIC_URL"))?;
        let token = var("TWILIO_AUTH_TOKEN")?.unwrap_or_else(|| DEMO_AUTH_TOKEN.to_owned());
        let mut validator =
            Validator::new(AuthToken::new(&token).map_err(refused("TWILIO_AUTH_TOKEN"))?);
        if let Some(secondary) = var("TWILIO_AUTH_TOKEN_SECONDARY")? {
            validator = validator.with_secondary(
                AuthToken::new(&secondary).map_err(refused("TWILIO_AUTH_TOKEN_SECONDARY"))?,
            );
        }
        let caller_id = var("TWILIO_CALLER_ID")?.filter(|c| !c.is_empty());
        Ok(Some(Self::new(validator, public_url, caller_id)))
    }
}

/// The `/voice` route, behind the signature layer; only `POST` (another method gets `405`).
///
/// ```
/// use capability::webhook::{AuthToken, Validator};
/// use capability_token_server::{voice_router, VoiceConfig};
/// use capability_tower::PublicUrl;
///
/// let config = VoiceConfig::new(
///     Validator::new(AuthToken::new("your auth token")?),
///     PublicUrl::base("https://abc.ngrok.app")?,
///     Some("+15550001111".to_owned()),
/// );
/// let router = voice_router(config);
/// # Ok::<(), capability::webhook::WebhookError>(())
/// ```
pub fn voice_router(config: VoiceConfig) -> Router {
    let layer =
        TwilioWebhookLayer::new(config.validator, config.public_url).body_limit(VOICE_BODY_LIMIT);
    let caller_id = Arc::new(config.caller_id);
    let handler = move |Extension(params): Extension<FormParams>| {
        let caller_id = Arc::clone(&caller_id);
        async move { twiml_response(&params, caller_id.as_deref()) }
    };
    Router::new().route("/voice", post(handler).route_layer(layer))
}

/// Whether `to` is an E.164 number: `+`, then 1 to 15 digits, the first not 0.
fn is_e164(to: &str) -> bool {
    let Some(digits) = to.strip_prefix('+') else {
        return false;
    };
    (1..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// What `/voice` answers for a call to `To`.
#[derive(Debug, PartialEq, Eq)]
pub enum Twiml<'a> {
    /// `<Dial callerId=…><Number>…</Number></Dial>`.
    Number(&'a str),
    /// `<Dial><Client>…</Client></Dial>`.
    Client(ClientName),
    /// `<Say>…</Say>`: no destination the server can dial.
    Say,
}

impl<'a> Twiml<'a> {
    /// The answer for a call with these parameters.
    ///
    /// ```
    /// use capability::webhook::FormParams;
    /// use capability_token_server::Twiml;
    ///
    /// let params = FormParams::from_pairs([("To", "+15551234567")])?;
    /// assert_eq!(Twiml::for_params(&params), Twiml::Number("+15551234567"));
    /// # Ok::<(), capability::webhook::WebhookError>(())
    /// ```
    pub fn for_params(params: &'a FormParams) -> Self {
        match params.get("To") {
            Some(to) if is_e164(to) => Twiml::Number(to),
            Some(to) => ClientName::new(to).map_or(Twiml::Say, Twiml::Client),
            None => Twiml::Say,
        }
    }

    /// The TwiML document, written with quick-xml: text and attributes escaped by the writer.
    ///
    /// ```
    /// use capability::ClientName;
    /// use capability_token_server::Twiml;
    ///
    /// let xml = Twiml::Client(ClientName::new("alice")?).to_xml(None).unwrap();
    /// assert!(String::from_utf8(xml).unwrap().ends_with("<Response><Dial><Client>alice</Client></Dial></Response>"));
    /// # Ok::<(), capability::Error>(())
    /// ```
    pub fn to_xml(&self, caller_id: Option<&str>) -> std::io::Result<Vec<u8>> {
        let mut writer = Writer::new(Vec::new());
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer.create_element("Response").write_inner_content(|w| {
            match self {
                Twiml::Number(number) => {
                    let mut dial = w.create_element("Dial");
                    if let Some(caller_id) = caller_id {
                        dial = dial.with_attribute(("callerId", caller_id));
                    }
                    dial.write_inner_content(|w| {
                        w.create_element("Number")
                            .write_text_content(BytesText::new(number))
                            .map(drop)
                    })?;
                }
                Twiml::Client(name) => {
                    w.create_element("Dial").write_inner_content(|w| {
                        w.create_element("Client")
                            .write_text_content(BytesText::new(name.as_str()))
                            .map(drop)
                    })?;
                }
                Twiml::Say => {
                    w.create_element("Say").write_text_content(BytesText::new(
                        "Thanks for calling. Call a phone number in E.164 form, or a client name.",
                    ))?;
                }
            }
            Ok(())
        })?;
        Ok(writer.into_inner())
    }
}

fn twiml_response(params: &FormParams, caller_id: Option<&str>) -> Response {
    match Twiml::for_params(params).to_xml(caller_id) {
        Ok(xml) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"))],
            xml,
        )
            .into_response(),
        // Writing to a Vec cannot fail; answer 500 rather than panic if it ever did.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
