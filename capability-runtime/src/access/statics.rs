//! Not public API: the `const` form of an [`AccessPolicy`](crate::AccessPolicy), which
//! `access_token!` fills with what this crate's own builder and encoder computed at compile time.
//! May change in any release.
//!
//! The macro builds the policy with [`AccessPolicy::builder`](crate::AccessPolicy::builder),
//! then reads it back with the public accessors (identity, grants, TTL, region, not-before) and
//! `__private::access_policy_parts`, and embeds
//! `__private::static_access_policy(StaticAccessPolicy { … })`.
// Hidden from the docs, like `__private`, which re-exports it: the fields are documented by name.
#![allow(missing_docs)]

use std::borrow::Cow;

use crate::access::grants::{
    AccessGrants, ChatGrant, GrantOrder, OutgoingApplication, ServiceFields, SyncGrant,
    TaskRouterGrant, VideoGrant, VoiceGrant,
};
use crate::kinds::GrantKind;
use crate::params::Params;
use crate::sid::{AppSid, CredentialSid, RoleSid, ServiceSid, WorkerSid, WorkspaceSid};

/// A `voice` grant known at compile time.
pub struct StaticVoiceGrant {
    pub incoming: bool,
    /// The Application SID and the parameters.
    pub outgoing: Option<(&'static str, &'static [(&'static str, &'static str)])>,
    pub push_credential_sid: Option<&'static str>,
    pub endpoint_id: Option<&'static str>,
}

/// A `video` grant known at compile time.
pub struct StaticVideoGrant {
    pub room: Option<&'static str>,
}

/// A `chat` or `sync` grant known at compile time.
pub struct StaticServiceGrant {
    pub service_sid: Option<&'static str>,
    pub endpoint_id: Option<&'static str>,
    pub deployment_role_sid: Option<&'static str>,
    pub push_credential_sid: Option<&'static str>,
}

/// A `task_router` grant known at compile time.
pub struct StaticTaskRouterGrant {
    pub workspace_sid: Option<&'static str>,
    pub worker_sid: Option<&'static str>,
    pub role: Option<&'static str>,
}

/// An Access Token policy computed at compile time by the runtime's own builder and encoder.
/// (`playback` is builder-only: a static policy has none.)
pub struct StaticAccessPolicy {
    pub identity: &'static str,
    pub voice: Option<StaticVoiceGrant>,
    pub video: Option<StaticVideoGrant>,
    pub chat: Option<StaticServiceGrant>,
    pub sync: Option<StaticServiceGrant>,
    pub task_router: Option<StaticTaskRouterGrant>,
    /// The grants, in token order.
    pub order: &'static [GrantKind],
    pub ttl_secs: u32,
    pub region: Option<&'static str>,
    pub not_before: Option<u64>,
    /// `AccessPolicy::__header_b64()`.
    pub header_b64: &'static str,
    /// `AccessPolicy::__claims_tail()`.
    pub claims_tail: &'static str,
    /// `AccessPolicy::__claims_tail_b64()`.
    pub claims_tail_b64: [&'static str; 3],
}

const fn text(s: Option<&'static str>) -> Option<Cow<'static, str>> {
    match s {
        Some(s) => Some(Cow::Borrowed(s)),
        None => None,
    }
}

macro_rules! static_sid {
    ($ty:ty, $s:expr) => {
        match $s {
            Some(sid) => Some(<$ty>::from_static(sid)),
            None => None,
        }
    };
}

const fn service(g: &StaticServiceGrant) -> ServiceFields {
    ServiceFields {
        service: static_sid!(ServiceSid, g.service_sid),
        endpoint: text(g.endpoint_id),
        deployment_role: static_sid!(RoleSid, g.deployment_role_sid),
        push_credential: static_sid!(CredentialSid, g.push_credential_sid),
    }
}

impl StaticAccessPolicy {
    pub(crate) const fn grants(&self) -> AccessGrants {
        AccessGrants {
            voice: match &self.voice {
                Some(v) => Some(VoiceGrant::from_parts(
                    v.incoming,
                    match v.outgoing {
                        Some((app_sid, params)) => Some(OutgoingApplication::new(
                            AppSid::from_static(app_sid),
                            Params::from_static(params),
                        )),
                        None => None,
                    },
                    static_sid!(CredentialSid, v.push_credential_sid),
                    text(v.endpoint_id),
                )),
                None => None,
            },
            video: match &self.video {
                Some(v) => Some(VideoGrant::from_parts(text(v.room))),
                None => None,
            },
            chat: match &self.chat {
                Some(c) => Some(ChatGrant::from_fields(service(c))),
                None => None,
            },
            sync: match &self.sync {
                Some(s) => Some(SyncGrant::from_fields(service(s))),
                None => None,
            },
            task_router: match &self.task_router {
                Some(t) => Some(TaskRouterGrant::from_parts(
                    static_sid!(WorkspaceSid, t.workspace_sid),
                    static_sid!(WorkerSid, t.worker_sid),
                    text(t.role),
                )),
                None => None,
            },
            playback: None,
            order: GrantOrder::from_static(self.order),
            other: Vec::new(),
        }
    }
}
