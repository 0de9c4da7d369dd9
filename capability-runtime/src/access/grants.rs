//! The grants of an Access Token: voice, video, chat, sync, task_router and playback.
//!
//! Each grant is plain data, set with methods named as in the `access_token!` grammar. The rules
//! that involve more than one field (no empty text, a voice identity Twilio accepts, …) are
//! checked in one place, [`AccessPolicyBuilder::build`](crate::AccessPolicyBuilder::build).

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::kinds::GrantKind;
use crate::params::Params;
use crate::sid::{AppSid, CredentialSid, RoleSid, RoomSid, ServiceSid, WorkerSid, WorkspaceSid};

/// The outgoing part of a [`VoiceGrant`]: the TwiML application that handles the calls the
/// device places, and the parameters Twilio passes to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingApplication {
    app_sid: AppSid,
    params: Params,
}

impl OutgoingApplication {
    pub(crate) const fn new(app_sid: AppSid, params: Params) -> Self {
        Self { app_sid, params }
    }

    /// The application (`application_sid`).
    pub fn app_sid(&self) -> &AppSid {
        &self.app_sid
    }

    /// The parameters (`params`), in order.
    pub fn params(&self) -> &Params {
        &self.params
    }
}

/// The `voice` grant: receive calls as the token's identity, place calls through a TwiML
/// application, receive push notifications of incoming calls.
///
/// ```
/// use capability_runtime::{AppSid, VoiceGrant};
///
/// let voice = VoiceGrant::new()
///     .incoming()
///     .outgoing(AppSid::new("AP0123456789abcdef0123456789abcdef")?, [("To", "+15551234567")]);
/// assert!(voice.incoming_allowed());
/// assert_eq!(voice.outgoing_application().unwrap().params(), &[("To", "+15551234567")]);
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VoiceGrant {
    pub(crate) incoming: bool,
    pub(crate) outgoing: Option<OutgoingApplication>,
    pub(crate) push_credential: Option<CredentialSid>,
    pub(crate) endpoint: Option<Cow<'static, str>>,
}

impl VoiceGrant {
    /// A grant that allows nothing yet: `"voice":{}`.
    pub const fn new() -> Self {
        Self {
            incoming: false,
            outgoing: None,
            push_credential: None,
            endpoint: None,
        }
    }

    /// Lets the device receive calls to its identity (`incoming.allow`).
    pub fn incoming(mut self) -> Self {
        self.incoming = true;
        self
    }

    /// Lets the device place calls through the application `app_sid`, which Twilio calls with
    /// `params` (in this order, each key once). Pass `[]` for none.
    pub fn outgoing<I, K, V>(mut self, app_sid: AppSid, params: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.outgoing = Some(OutgoingApplication::new(
            app_sid,
            Params::from_pairs(params),
        ));
        self
    }

    /// The push credential for notifications of incoming calls (`push_credential_sid`).
    pub fn push_credential(mut self, sid: CredentialSid) -> Self {
        self.push_credential = Some(sid);
        self
    }

    /// An id of the device, so that one identity can register several (`endpoint_id`).
    pub fn endpoint(mut self, id: impl Into<String>) -> Self {
        self.endpoint = Some(Cow::Owned(id.into()));
        self
    }

    /// Whether the device may receive calls.
    pub fn incoming_allowed(&self) -> bool {
        self.incoming
    }

    /// The application the device may place calls through, with its parameters.
    pub fn outgoing_application(&self) -> Option<&OutgoingApplication> {
        self.outgoing.as_ref()
    }

    /// The push credential.
    pub fn push_credential_sid(&self) -> Option<&CredentialSid> {
        self.push_credential.as_ref()
    }

    /// The endpoint id.
    pub fn endpoint_id(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    pub(crate) const fn from_parts(
        incoming: bool,
        outgoing: Option<OutgoingApplication>,
        push_credential: Option<CredentialSid>,
        endpoint: Option<Cow<'static, str>>,
    ) -> Self {
        Self {
            incoming,
            outgoing,
            push_credential,
            endpoint,
        }
    }
}

/// The `video` grant: join a Video room, or any room.
///
/// ```
/// use capability_runtime::VideoGrant;
///
/// let video = VideoGrant::new().room("DailyStandup");
/// assert_eq!(video.room_name(), Some("DailyStandup"));
/// assert_eq!(VideoGrant::new().room_name(), None); // any room
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VideoGrant {
    pub(crate) room: Option<Cow<'static, str>>,
}

impl VideoGrant {
    /// A grant for any room: `"video":{}`.
    pub const fn new() -> Self {
        Self { room: None }
    }

    /// Only the room with this name (`room`).
    pub fn room(mut self, name: impl Into<String>) -> Self {
        self.room = Some(Cow::Owned(name.into()));
        self
    }

    /// Only the room with this SID (`room`).
    pub fn room_sid(mut self, sid: RoomSid) -> Self {
        self.room = Some(Cow::Owned(sid.as_str().to_owned()));
        self
    }

    /// The room: its name or its `RM…` SID; `None` for any room.
    pub fn room_name(&self) -> Option<&str> {
        self.room.as_deref()
    }

    pub(crate) const fn from_parts(room: Option<Cow<'static, str>>) -> Self {
        Self { room }
    }
}

/// The `chat` grant: Conversations (and Programmable Chat).
///
/// ```
/// use capability_runtime::{ChatGrant, ServiceSid};
///
/// let chat = ChatGrant::new()
///     .service(ServiceSid::new("IS0123456789abcdef0123456789abcdef")?)
///     .endpoint("MyApp:alice:iphone");
/// assert_eq!(chat.endpoint_id(), Some("MyApp:alice:iphone"));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChatGrant {
    pub(crate) fields: ServiceFields,
}

/// The `sync` grant (`data_sync` in the token): Sync documents, lists, maps and streams.
///
/// twilio-php also writes a deployment role and a push credential in this grant; the other
/// official libraries do not, and Twilio documents only the service and the endpoint id.
///
/// ```
/// use capability_runtime::{ServiceSid, SyncGrant};
///
/// let sync = SyncGrant::new().service(ServiceSid::new("IS0123456789abcdef0123456789abcdef")?);
/// assert_eq!(sync.service_sid().unwrap().as_str(), "IS0123456789abcdef0123456789abcdef");
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncGrant {
    pub(crate) fields: ServiceFields,
}

/// The four fields `chat` and `sync` share, in the order twilio-php writes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ServiceFields {
    pub(crate) service: Option<ServiceSid>,
    pub(crate) endpoint: Option<Cow<'static, str>>,
    pub(crate) deployment_role: Option<RoleSid>,
    pub(crate) push_credential: Option<CredentialSid>,
}

impl ServiceFields {
    pub(crate) const fn new() -> Self {
        Self {
            service: None,
            endpoint: None,
            deployment_role: None,
            push_credential: None,
        }
    }
}

macro_rules! service_grant {
    ($name:ident, $what:literal) => {
        impl $name {
            #[doc = concat!("A grant with no field set: `", $what, "`.")]
            pub const fn new() -> Self {
                Self {
                    fields: ServiceFields::new(),
                }
            }

            /// The service (`service_sid`).
            pub fn service(mut self, sid: ServiceSid) -> Self {
                self.fields.service = Some(sid);
                self
            }

            /// An id of the device, so that one identity can register several (`endpoint_id`).
            pub fn endpoint(mut self, id: impl Into<String>) -> Self {
                self.fields.endpoint = Some(Cow::Owned(id.into()));
                self
            }

            /// The deployment role (`deployment_role_sid`).
            pub fn deployment_role(mut self, sid: RoleSid) -> Self {
                self.fields.deployment_role = Some(sid);
                self
            }

            /// The push credential (`push_credential_sid`).
            pub fn push_credential(mut self, sid: CredentialSid) -> Self {
                self.fields.push_credential = Some(sid);
                self
            }

            /// The service.
            pub fn service_sid(&self) -> Option<&ServiceSid> {
                self.fields.service.as_ref()
            }

            /// The endpoint id.
            pub fn endpoint_id(&self) -> Option<&str> {
                self.fields.endpoint.as_deref()
            }

            /// The deployment role.
            pub fn deployment_role_sid(&self) -> Option<&RoleSid> {
                self.fields.deployment_role.as_ref()
            }

            /// The push credential.
            pub fn push_credential_sid(&self) -> Option<&CredentialSid> {
                self.fields.push_credential.as_ref()
            }

            pub(crate) const fn from_fields(fields: ServiceFields) -> Self {
                Self { fields }
            }

            pub(crate) fn fields(&self) -> &ServiceFields {
                &self.fields
            }
        }
    };
}

service_grant!(ChatGrant, "\"chat\":{}");
service_grant!(SyncGrant, "\"data_sync\":{}");

/// The `task_router` grant: a TaskRouter worker's or supervisor's access to a workspace.
///
/// ```
/// use capability_runtime::{TaskRouterGrant, WorkerSid, WorkspaceSid};
///
/// let task_router = TaskRouterGrant::new()
///     .workspace(WorkspaceSid::new("WS0123456789abcdef0123456789abcdef")?)
///     .worker(WorkerSid::new("WK0123456789abcdef0123456789abcdef")?)
///     .role("worker");
/// assert_eq!(task_router.role_name(), Some("worker"));
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskRouterGrant {
    pub(crate) workspace: Option<WorkspaceSid>,
    pub(crate) worker: Option<WorkerSid>,
    pub(crate) role: Option<Cow<'static, str>>,
}

impl TaskRouterGrant {
    /// A grant with no field set: `"task_router":{}`.
    pub const fn new() -> Self {
        Self {
            workspace: None,
            worker: None,
            role: None,
        }
    }

    /// The workspace (`workspace_sid`).
    pub fn workspace(mut self, sid: WorkspaceSid) -> Self {
        self.workspace = Some(sid);
        self
    }

    /// The worker (`worker_sid`).
    pub fn worker(mut self, sid: WorkerSid) -> Self {
        self.worker = Some(sid);
        self
    }

    /// The role, such as `worker` or `supervisor` (`role`).
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(Cow::Owned(role.into()));
        self
    }

    /// The workspace.
    pub fn workspace_sid(&self) -> Option<&WorkspaceSid> {
        self.workspace.as_ref()
    }

    /// The worker.
    pub fn worker_sid(&self) -> Option<&WorkerSid> {
        self.worker.as_ref()
    }

    /// The role.
    pub fn role_name(&self) -> Option<&str> {
        self.role.as_deref()
    }

    pub(crate) const fn from_parts(
        workspace: Option<WorkspaceSid>,
        worker: Option<WorkerSid>,
        role: Option<Cow<'static, str>>,
    ) -> Self {
        Self {
            workspace,
            worker,
            role,
        }
    }
}

/// The `playback` grant (`player` in the token): the JSON object Twilio's PlaybackGrant API
/// returns for a Live player, passed through.
///
/// It is held as twilio-php's encoding of the object (members in their order, `/` written
/// `\/`, non-ASCII as `\uXXXX`), so that two grants are equal when they hold the same object
/// in the same order, however the JSON was spelled.
///
/// ```
/// use capability_runtime::PlaybackGrant;
///
/// let grant = PlaybackGrant::from_json(r#"{"playbackUrl": "https://example.com/x", "requestCredentials": null}"#)?;
/// assert_eq!(grant.as_json(), r#"{"playbackUrl":"https:\/\/example.com\/x","requestCredentials":null}"#);
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PlaybackGrant {
    json: PhpJson,
}

impl PlaybackGrant {
    /// The object in twilio-php's encoding: what the token carries. For a grant read from a
    /// token, made at the first call.
    pub fn as_json(&self) -> &str {
        self.json.get("player")
    }

    /// A grant of an object already in twilio-php's encoding.
    #[cfg(feature = "jwt")]
    pub(crate) fn encoded(json: String) -> Self {
        Self {
            json: PhpJson::encoded(json),
        }
    }

    /// A grant of an object as found in a token, checked as twilio-php's encoding reads it.
    #[cfg(feature = "jwt")]
    pub(crate) fn found(json: String) -> Self {
        Self {
            json: PhpJson::found(json),
        }
    }
}

impl PartialEq for PlaybackGrant {
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json()
    }
}

impl Eq for PlaybackGrant {}

/// A grant's JSON in twilio-php's encoding, or as found in a token until its encoding is first
/// asked for: writing each character as PHP escapes it costs more than reading the token, and
/// most verifiers never ask.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
struct PhpJson {
    text: String,
    /// For `text` as found: its encoding, once made.
    encoded: Lazy<String>,
}

impl PhpJson {
    #[cfg(feature = "jwt")]
    fn encoded(text: String) -> Self {
        Self {
            text,
            encoded: None,
        }
    }

    #[cfg(feature = "jwt")]
    fn found(text: String) -> Self {
        Self {
            text,
            encoded: Some(Box::default()),
        }
    }

    /// The text in twilio-php's encoding, of a value of `grant`.
    fn get(&self, grant: &'static str) -> &str {
        match &self.encoded {
            Some(encoded) => encoded.get_or_init(|| Self::encode(&self.text, grant)),
            None => &self.text,
        }
    }

    /// twilio-php's encoding of `found`, a value of `grant` as found in a token.
    fn encode(found: &str, grant: &'static str) -> String {
        #[cfg(feature = "jwt")]
        return crate::access::decode::php_encoding(found, grant);
        #[cfg(not(feature = "jwt"))]
        {
            let _ = grant;
            found.to_owned()
        }
    }
}

/// A value made at its first use, if there is one to make. Boxed, so that a `const` policy,
/// which has none, holds no cell (clippy's `declare_interior_mutable_const`).
type Lazy<T> = Option<Box<OnceLock<T>>>;

/// The grants of a verified token this library does not know: key and JSON text as found, and,
/// once asked for, in twilio-php's encoding (see [`PhpJson`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct OtherGrants {
    found: Vec<(String, String)>,
    /// Made with the first.
    encoded: Lazy<Vec<(String, String)>>,
}

impl OtherGrants {
    /// None.
    pub(crate) const fn new() -> Self {
        Self {
            found: Vec::new(),
            encoded: None,
        }
    }

    /// One more grant, `json` as found in the token.
    #[cfg(feature = "jwt")]
    pub(crate) fn push(&mut self, key: String, json: String) {
        self.found.push((key, json));
        // One cell for all: made at the first, emptied if an encoding was made before.
        self.encoded.get_or_insert_with(Box::default).take();
    }

    /// The grants, their values in twilio-php's encoding.
    pub(crate) fn get(&self) -> &[(String, String)] {
        match &self.encoded {
            Some(encoded) => encoded.get_or_init(|| {
                (self.found.iter())
                    .map(|(key, json)| (key.clone(), PhpJson::encode(json, "grants")))
                    .collect()
            }),
            None => &[],
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.found.len()
    }
}

/// The kinds of grant of a token, in token order, each at most once: no allocation, and
/// `const`-constructible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GrantOrder {
    kinds: [GrantKind; 6],
    len: usize,
}

impl GrantOrder {
    pub(crate) const fn new() -> Self {
        Self {
            kinds: [GrantKind::Voice; 6],
            len: 0,
        }
    }

    /// The kinds of `kinds`, each once.
    ///
    /// # Panics
    /// When a kind appears twice (at compile time in `const` context).
    pub(crate) const fn from_static(kinds: &'static [GrantKind]) -> Self {
        let mut order = Self::new();
        let mut i = 0;
        while i < kinds.len() {
            assert!(!order.has(kinds[i]), "a grant kind appears twice");
            order.kinds[order.len] = kinds[i];
            order.len += 1;
            i += 1;
        }
        order
    }

    pub(crate) const fn has(&self, kind: GrantKind) -> bool {
        let mut i = 0;
        while i < self.len {
            if self.kinds[i] as u8 == kind as u8 {
                return true;
            }
            i += 1;
        }
        false
    }

    /// Adds `kind` unless it is there already; whether it was added.
    pub(crate) fn push(&mut self, kind: GrantKind) -> bool {
        if self.has(kind) {
            return false;
        }
        self.kinds[self.len] = kind;
        self.len += 1;
        true
    }

    pub(crate) fn as_slice(&self) -> &[GrantKind] {
        &self.kinds[..self.len]
    }
}

impl Default for GrantOrder {
    fn default() -> Self {
        Self::new()
    }
}

/// What an Access Token grants, besides its identity.
///
/// Two `AccessGrants` are equal when they grant the same: the order of the grants does not
/// matter; each grant's fields, and the parameters of an outgoing voice application, compare in
/// order.
///
/// ```
/// use capability_runtime::{AccessPolicy, Identity, VideoGrant};
///
/// let policy = AccessPolicy::builder()
///     .identity(Identity::new("alice")?)
///     .video(VideoGrant::new().room("DailyStandup"))
///     .build()?;
/// let grants = policy.grants();
/// assert_eq!(grants.video().unwrap().room_name(), Some("DailyStandup"));
/// assert!(grants.voice().is_none());
/// # Ok::<(), capability_runtime::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct AccessGrants {
    pub(crate) voice: Option<VoiceGrant>,
    pub(crate) video: Option<VideoGrant>,
    pub(crate) chat: Option<ChatGrant>,
    pub(crate) sync: Option<SyncGrant>,
    pub(crate) task_router: Option<TaskRouterGrant>,
    pub(crate) playback: Option<PlaybackGrant>,
    /// The kinds granted, in token order.
    pub(crate) order: GrantOrder,
    /// Grants of a verified token this library does not know.
    pub(crate) other: OtherGrants,
}

impl AccessGrants {
    #[cfg(test)]
    pub(crate) const fn empty() -> Self {
        Self {
            voice: None,
            video: None,
            chat: None,
            sync: None,
            task_router: None,
            playback: None,
            order: GrantOrder::new(),
            other: OtherGrants::new(),
        }
    }

    /// The `voice` grant.
    pub fn voice(&self) -> Option<&VoiceGrant> {
        self.voice.as_ref()
    }

    /// The `video` grant.
    pub fn video(&self) -> Option<&VideoGrant> {
        self.video.as_ref()
    }

    /// The `chat` grant.
    pub fn chat(&self) -> Option<&ChatGrant> {
        self.chat.as_ref()
    }

    /// The `sync` grant (`data_sync`).
    pub fn sync(&self) -> Option<&SyncGrant> {
        self.sync.as_ref()
    }

    /// The `task_router` grant.
    pub fn task_router(&self) -> Option<&TaskRouterGrant> {
        self.task_router.as_ref()
    }

    /// The `playback` grant (`player`).
    pub fn playback(&self) -> Option<&PlaybackGrant> {
        self.playback.as_ref()
    }

    /// The kinds granted, in the order of the token (of the builder calls, for a policy).
    pub fn kinds(&self) -> &[GrantKind] {
        self.order.as_slice()
    }

    /// Grants of a verified token that this library does not know, in token order: each key
    /// (such as `rtc` or `ip_messaging`) with its value as JSON, in twilio-php's encoding.
    /// Always empty for an [`AccessPolicy`](crate::AccessPolicy).
    ///
    /// A verifier checks these values as the encoding reads them and keeps them as found; they
    /// are encoded at the first call, as writing each character as PHP escapes it costs more
    /// than reading the token.
    pub fn other_grants(&self) -> &[(String, String)] {
        self.other.get()
    }

    /// Whether nothing is granted.
    pub fn is_empty(&self) -> bool {
        self.order.len == 0 && self.other.is_empty()
    }
}

impl PartialEq for AccessGrants {
    fn eq(&self, other: &AccessGrants) -> bool {
        fn sorted(grants: &[(String, String)]) -> Vec<&(String, String)> {
            let mut v: Vec<_> = grants.iter().collect();
            v.sort_unstable();
            v
        }
        self.voice == other.voice
            && self.video == other.video
            && self.chat == other.chat
            && self.sync == other.sync
            && self.task_router == other.task_router
            && self.playback == other.playback
            && self.other.len() == other.other.len()
            && sorted(self.other.get()) == sorted(other.other.get())
    }
}

impl Eq for AccessGrants {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_names() {
        for kind in GrantKind::ALL {
            assert_eq!(GrantKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(GrantKind::Sync.key(), "data_sync");
        assert_eq!(GrantKind::Sync.to_string(), "sync");
        assert_eq!(GrantKind::Playback.key(), "player");
        assert_eq!(GrantKind::from_key("sync"), None);
    }

    /// Grants this library does not know, their values as found in a token.
    fn other(found: &[(&str, &str)]) -> OtherGrants {
        let mut other = OtherGrants::default();
        for (key, json) in found {
            other.push((*key).into(), (*json).into());
        }
        other
    }

    #[test]
    fn equality_ignores_the_order_of_grants_not_of_other_grants_values() {
        let a = AccessGrants {
            video: Some(VideoGrant::new()),
            chat: Some(ChatGrant::new()),
            order: GrantOrder::from_static(&[GrantKind::Video, GrantKind::Chat]),
            other: other(&[("a", "1"), ("b", r#"[2, "\u00e9/"]"#)]),
            ..AccessGrants::empty()
        };
        // The same values spelled otherwise: equal in twilio-php's encoding.
        let b = AccessGrants {
            video: Some(VideoGrant::new()),
            chat: Some(ChatGrant::new()),
            order: GrantOrder::from_static(&[GrantKind::Chat, GrantKind::Video]),
            other: other(&[("b", r#"[2,"é\/"]"#), ("a", " 1 ")]),
            ..AccessGrants::empty()
        };
        assert_eq!(a, b);
        assert_eq!(
            b.other_grants(),
            [
                ("b".into(), r#"[2,"\u00e9\/"]"#.into()),
                ("a".into(), "1".into())
            ]
        );
        let c = AccessGrants {
            other: other(&[("b", "1"), ("a", "2")]),
            ..b.clone()
        };
        assert_ne!(a, c);
    }
}
