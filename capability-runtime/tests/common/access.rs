//! Access Token policies from the `inputs` of `tests/data/access-token-vectors.json`, the
//! format the interop scripts also use.

use std::time::Duration;

use super::ordered::Json as Value;
use capability_runtime::{
    AccessPolicy, AppSid, ChatGrant, CredentialSid, Error, Identity, PlaybackGrant, Region,
    RoleSid, ServiceSid, SyncGrant, TaskRouterGrant, VideoGrant, VoiceGrant, WorkerSid,
    WorkspaceSid,
};

/// The test key of the vectors.
pub const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
pub const KEY_SID: &str = "SK0123456789abcdef0123456789abcdef";
pub const KEY_SECRET: &str = "0123456789abcdef0123456789abcdef";

fn str_of<'a>(grant: &'a Value, field: &str) -> Option<&'a str> {
    grant.get(field).and_then(Value::as_str)
}

/// The policy the official library was given, built with our builder. Custom claims (a
/// twilio-php feature) are left out.
pub fn policy_from_inputs(inputs: &Value) -> Result<AccessPolicy, Error> {
    let mut b = AccessPolicy::builder();
    if let Some(identity) = inputs["identity"].as_str() {
        b = b.identity(Identity::new(identity)?);
    }
    if let Some(ttl) = inputs["ttl"].as_u64() {
        b = b.ttl(Duration::from_secs(ttl));
    }
    if let Some(nbf) = inputs["nbf"].as_u64() {
        b = b.not_before(nbf);
    }
    if let Some(region) = inputs["region"].as_str() {
        b = b.region(Region::new(region)?);
    }
    for g in inputs["grants"].as_array().expect("grants") {
        let s = |field| str_of(g, field);
        b = match g["type"].as_str().expect("type") {
            "voice" => {
                let mut voice = VoiceGrant::new();
                if g["incoming_allow"] == Value::Bool(true) {
                    voice = voice.incoming();
                }
                if let Some(app) = s("outgoing_application_sid") {
                    let params: Vec<(String, String)> = g["outgoing_application_params"]
                        .as_object()
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
                                .collect()
                        })
                        .unwrap_or_default();
                    voice = voice.outgoing(AppSid::new(app)?, params);
                }
                if let Some(sid) = s("push_credential_sid") {
                    voice = voice.push_credential(CredentialSid::new(sid)?);
                }
                if let Some(id) = s("endpoint_id") {
                    voice = voice.endpoint(id);
                }
                b.voice(voice)
            }
            "video" => {
                let mut video = VideoGrant::new();
                if let Some(room) = s("room") {
                    video = video.room(room);
                }
                b.video(video)
            }
            kind @ ("chat" | "sync") => {
                let (service, endpoint, role, push) = (
                    s("service_sid").map(ServiceSid::new).transpose()?,
                    s("endpoint_id"),
                    s("deployment_role_sid").map(RoleSid::new).transpose()?,
                    s("push_credential_sid")
                        .map(CredentialSid::new)
                        .transpose()?,
                );
                if kind == "chat" {
                    let mut chat = ChatGrant::new();
                    if let Some(x) = service {
                        chat = chat.service(x);
                    }
                    if let Some(x) = endpoint {
                        chat = chat.endpoint(x);
                    }
                    if let Some(x) = role {
                        chat = chat.deployment_role(x);
                    }
                    if let Some(x) = push {
                        chat = chat.push_credential(x);
                    }
                    b.chat(chat)
                } else {
                    let mut sync = SyncGrant::new();
                    if let Some(x) = service {
                        sync = sync.service(x);
                    }
                    if let Some(x) = endpoint {
                        sync = sync.endpoint(x);
                    }
                    if let Some(x) = role {
                        sync = sync.deployment_role(x);
                    }
                    if let Some(x) = push {
                        sync = sync.push_credential(x);
                    }
                    b.sync(sync)
                }
            }
            "task_router" => {
                let mut t = TaskRouterGrant::new();
                if let Some(x) = s("workspace_sid") {
                    t = t.workspace(WorkspaceSid::new(x)?);
                }
                if let Some(x) = s("worker_sid") {
                    t = t.worker(WorkerSid::new(x)?);
                }
                if let Some(x) = s("role") {
                    t = t.role(x);
                }
                b.task_router(t)
            }
            "player" => b.playback(PlaybackGrant::from_json(&g["grant"].to_text())?),
            other => panic!("unknown grant type {other}"),
        };
    }
    b.build()
}
