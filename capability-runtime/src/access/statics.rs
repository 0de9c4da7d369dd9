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

use crate::access::encode::{encodes_header, encodes_tail, token_len};
use crate::access::grants::{
    AccessGrants, ChatGrant, GrantOrder, OtherGrants, OutgoingApplication, ServiceFields,
    SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant,
};
use crate::access::policy::MAX_NOT_BEFORE;
use crate::client_name::is_valid_name;
use crate::embedded::{is_b64_of, same, NO};
use crate::kinds::GrantKind;
use crate::limits::{MAX_OUTGOING_PARAMS, MAX_TOKEN_LEN, MAX_TTL, MIN_TTL};
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
    /// Whether this is what `access_token!` computes with the builder: its header and claims
    /// are the encoding of its grants, with their base64url, and it keeps every rule of
    /// [`AccessPolicyBuilder::build`](crate::AccessPolicyBuilder::build) that its values can
    /// break. (The identity, SIDs and region are checked by their `from_static`.)
    pub(crate) const fn holds(&self) -> bool {
        let tail = self.claims_tail.as_bytes();
        let mut shift = 0;
        while shift < 3 {
            let rest = tail
                .split_at(if shift < tail.len() {
                    shift
                } else {
                    tail.len()
                })
                .1;
            if !is_b64_of(rest, self.claims_tail_b64[shift].as_bytes()) {
                return false;
            }
            shift += 1;
        }
        let token_len = token_len(self.header_b64.len(), tail.len());
        let not_before_ok = match self.not_before {
            Some(nbf) => nbf <= MAX_NOT_BEFORE,
            None => true,
        };
        self.ttl_secs as u64 >= MIN_TTL.as_secs()
            && self.ttl_secs as u64 <= MAX_TTL.as_secs()
            && not_before_ok
            && token_len <= MAX_TOKEN_LEN
            && self.fields_hold()
            && encodes_header(self.header_b64, self.region)
            && encodes_tail(self.claims_tail, self)
    }

    /// The rules of `check_grants`: a client name for `voice`, no empty text, no parameter key
    /// twice, no more parameters than an Access Token carries.
    const fn fields_hold(&self) -> bool {
        const fn filled(text: Option<&str>) -> bool {
            !matches!(text, Some(text) if text.is_empty())
        }
        const fn service(g: &Option<StaticServiceGrant>) -> bool {
            match g {
                Some(g) => filled(g.endpoint_id),
                None => true,
            }
        }
        let voice = match &self.voice {
            Some(v) => {
                let params = match v.outgoing {
                    Some((_, params)) => params,
                    None => &[],
                };
                if params.len() > MAX_OUTGOING_PARAMS {
                    return false;
                }
                let mut i = 0;
                while i < params.len() {
                    let mut k = 0;
                    while k < i {
                        let (a, b) = (params[k].0.as_bytes(), params[i].0.as_bytes());
                        if a.len() == b.len() && same(a, 0, b) != NO {
                            return false;
                        }
                        k += 1;
                    }
                    if params[i].0.is_empty() {
                        return false;
                    }
                    i += 1;
                }
                is_valid_name(self.identity) && filled(v.endpoint_id)
            }
            None => true,
        };
        let video = match &self.video {
            Some(v) => filled(v.room),
            None => true,
        };
        let task_router = match &self.task_router {
            Some(t) => filled(t.role),
            None => true,
        };
        voice && video && task_router && service(&self.chat) && service(&self.sync)
    }

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
            other: OtherGrants::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::access::policy::AccessPolicy;
    use crate::access::region::Region;
    use crate::identity::Identity;

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }

    fn leaked(s: Option<&str>) -> Option<&'static str> {
        s.map(leak)
    }

    fn service(f: &ServiceFields) -> StaticServiceGrant {
        StaticServiceGrant {
            service_sid: leaked(f.service.as_ref().map(|s| s.as_str())),
            endpoint_id: leaked(f.endpoint.as_deref()),
            deployment_role_sid: leaked(f.deployment_role.as_ref().map(|s| s.as_str())),
            push_credential_sid: leaked(f.push_credential.as_ref().map(|s| s.as_str())),
        }
    }

    /// What `access_token!` embeds for `policy`.
    fn literal(policy: &AccessPolicy) -> StaticAccessPolicy {
        let g = policy.grants();
        let (header_b64, tail, tail_b64) = policy.encoded_parts();
        StaticAccessPolicy {
            identity: leak(policy.identity().as_str()),
            voice: g.voice().map(|v| StaticVoiceGrant {
                incoming: v.incoming_allowed(),
                outgoing: v.outgoing_application().map(|app| {
                    let params: Vec<_> = app
                        .params()
                        .iter()
                        .map(|(k, v)| (leak(k), leak(v)))
                        .collect();
                    (
                        leak(app.app_sid().as_str()),
                        &*Box::leak(params.into_boxed_slice()),
                    )
                }),
                push_credential_sid: leaked(v.push_credential_sid().map(|s| s.as_str())),
                endpoint_id: leaked(v.endpoint_id()),
            }),
            video: g.video().map(|v| StaticVideoGrant {
                room: leaked(v.room_name()),
            }),
            chat: g.chat().map(|c| service(c.fields())),
            sync: g.sync().map(|s| service(s.fields())),
            task_router: g.task_router().map(|t| StaticTaskRouterGrant {
                workspace_sid: leaked(t.workspace_sid().map(|s| s.as_str())),
                worker_sid: leaked(t.worker_sid().map(|s| s.as_str())),
                role: leaked(t.role_name()),
            }),
            order: Box::leak(g.kinds().to_vec().into_boxed_slice()),
            ttl_secs: u32::try_from(policy.ttl().as_secs()).unwrap(),
            region: leaked(policy.region().map(|r| r.as_str())),
            not_before: policy.not_before(),
            header_b64: leak(header_b64),
            claims_tail: leak(tail),
            claims_tail_b64: tail_b64.map(leak),
        }
    }

    fn app() -> AppSid {
        AppSid::from_static("AP0123456789abcdef0123456789abcdef")
    }

    fn policies() -> Vec<AccessPolicy> {
        let alice = || Identity::new("alice").unwrap();
        let params = [("To", "+1 555 \"010\""), ("naïve/😀", "a&b=c\u{2028}")];
        vec![
            AccessPolicy::builder().identity(alice()).build().unwrap(),
            AccessPolicy::builder()
                .identity(Identity::new("Zoë 用户 😀 \"q\"/").unwrap())
                .video(VideoGrant::new().room("Daily \\ Standup"))
                .chat(
                    ChatGrant::new()
                        .service(ServiceSid::from_static(
                            "IS0123456789abcdef0123456789abcdef",
                        ))
                        .endpoint("e"),
                )
                .region(Region::new("ie1").unwrap())
                .not_before(1_700_000_000)
                .build()
                .unwrap(),
            AccessPolicy::builder()
                .identity(alice())
                .task_router(TaskRouterGrant::new().role("worker"))
                .sync(SyncGrant::new())
                .voice(
                    VoiceGrant::new()
                        .incoming()
                        .outgoing(app(), params)
                        .endpoint("x"),
                )
                .video(VideoGrant::new())
                .ttl(Duration::from_secs(86_400))
                .build()
                .unwrap(),
            AccessPolicy::builder()
                .identity(alice())
                .voice(VoiceGrant::new().outgoing(app(), std::iter::empty::<(&str, &str)>()))
                .build()
                .unwrap(),
        ]
    }

    /// Every policy the builder makes is rebuilt from its parts; parts that are not the encoding
    /// of their grants, or that break a rule, are refused (a panic, a compile error in `const`).
    #[test]
    fn a_static_policy_is_checked_against_its_grants() {
        let policies = policies();
        for policy in &policies {
            assert!(literal(policy).holds(), "{policy:?}");
            assert_eq!(&AccessPolicy::from_static(literal(policy)), policy);
        }
        let refused = |p: StaticAccessPolicy| !p.holds();
        let other = &policies[1];
        let base = &policies[2];
        // Claims, header or base64url of another policy.
        let (other_header, other_tail, other_b64) = other.encoded_parts();
        assert!(refused(StaticAccessPolicy {
            claims_tail: leak(other_tail),
            claims_tail_b64: other_b64.map(leak),
            ..literal(base)
        }));
        assert!(refused(StaticAccessPolicy {
            header_b64: leak(other_header),
            ..literal(base)
        }));
        let mut b64 = literal(base).claims_tail_b64;
        b64.swap(1, 2);
        assert!(refused(StaticAccessPolicy {
            claims_tail_b64: b64,
            ..literal(base)
        }));
        // Grants that are not those of the claims: another identity, room, order, time.
        assert!(refused(StaticAccessPolicy {
            identity: "mallory",
            ..literal(base)
        }));
        assert!(refused(StaticAccessPolicy {
            video: Some(StaticVideoGrant { room: Some("x") }),
            ..literal(base)
        }));
        let mut order = base.grants().kinds().to_vec();
        order.swap(0, 1);
        assert!(refused(StaticAccessPolicy {
            order: Box::leak(order.into_boxed_slice()),
            ..literal(base)
        }));
        assert!(refused(StaticAccessPolicy {
            not_before: Some(1_700_000_001),
            ..literal(other)
        }));
        assert!(refused(StaticAccessPolicy {
            region: None,
            ..literal(other)
        }));
        // The builder's rules, with claims that encode the grants.
        for ttl_secs in [0, 86_401] {
            assert!(refused(StaticAccessPolicy {
                ttl_secs,
                ..literal(base)
            }));
        }
        let alice = literal(&policies[0]);
        let voice = || StaticVoiceGrant {
            incoming: true,
            outgoing: None,
            push_credential_sid: None,
            endpoint_id: None,
        };
        assert!(encoded(StaticAccessPolicy {
            voice: Some(voice()),
            order: &[GrantKind::Voice],
            ..literal(&policies[0])
        })
        .holds());
        let breaking = [
            // A `voice` grant for an identity that is not a client name.
            StaticAccessPolicy {
                identity: "alice smith",
                voice: Some(voice()),
                order: &[GrantKind::Voice],
                ..literal(&policies[0])
            },
            // Empty text, an empty or repeated parameter key.
            StaticAccessPolicy {
                voice: Some(StaticVoiceGrant {
                    endpoint_id: Some(""),
                    ..voice()
                }),
                order: &[GrantKind::Voice],
                ..literal(&policies[0])
            },
            StaticAccessPolicy {
                video: Some(StaticVideoGrant { room: Some("") }),
                order: &[GrantKind::Video],
                ..literal(&policies[0])
            },
            StaticAccessPolicy {
                task_router: Some(StaticTaskRouterGrant {
                    workspace_sid: None,
                    worker_sid: None,
                    role: Some(""),
                }),
                order: &[GrantKind::TaskRouter],
                ..literal(&policies[0])
            },
            StaticAccessPolicy {
                voice: Some(StaticVoiceGrant {
                    outgoing: Some(("AP0123456789abcdef0123456789abcdef", &[("", "x")])),
                    ..voice()
                }),
                order: &[GrantKind::Voice],
                ..literal(&policies[0])
            },
            StaticAccessPolicy {
                voice: Some(StaticVoiceGrant {
                    outgoing: Some((
                        "AP0123456789abcdef0123456789abcdef",
                        &[("To", "x"), ("Tó", "y"), ("To", "z")],
                    )),
                    ..voice()
                }),
                order: &[GrantKind::Voice],
                ..literal(&policies[0])
            },
            // More parameters than an Access Token carries.
            StaticAccessPolicy {
                voice: Some(StaticVoiceGrant {
                    outgoing: Some((
                        "AP0123456789abcdef0123456789abcdef",
                        Box::leak(
                            (0..=MAX_OUTGOING_PARAMS)
                                .map(|i| (leak(&format!("k{i}")), "v"))
                                .collect::<Vec<_>>()
                                .into_boxed_slice(),
                        ),
                    )),
                    ..voice()
                }),
                order: &[GrantKind::Voice],
                ..literal(&policies[0])
            },
            // A not-before time past 2^53 - 1, tokens over the size limit.
            StaticAccessPolicy {
                not_before: Some(crate::limits::MAX_EXP + 1),
                ..literal(&policies[0])
            },
            StaticAccessPolicy {
                video: Some(StaticVideoGrant {
                    room: Some(leak(&"r".repeat(crate::limits::MAX_TOKEN_LEN))),
                }),
                order: &[GrantKind::Video],
                ..literal(&policies[0])
            },
        ];
        for p in breaking {
            assert!(refused(encoded(p)));
        }
        assert!(alice.holds());
    }

    /// `p` with the claims the encoder writes for its grants, whatever the rules say.
    fn encoded(mut p: StaticAccessPolicy) -> StaticAccessPolicy {
        let identity = Identity::new(p.identity).unwrap();
        let tail = crate::access::encode::claims_tail(&identity, &p.grants(), p.not_before);
        p.claims_tail_b64 = crate::access::encode::tail_b64(&tail).map(|b| leak(&b));
        p.claims_tail = leak(&tail);
        p
    }
}
