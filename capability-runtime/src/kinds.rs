//! The names of what each kind of token grants: the scopes of a capability token, the grants of
//! an Access Token. The policies, their readers and the errors all name them.

use std::fmt;

/// The three capabilities a token can grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// `scope:client:incoming`: receive calls as a client name.
    Incoming,
    /// `scope:client:outgoing`: place calls through a TwiML application.
    Outgoing,
    /// `scope:stream:subscribe`: subscribe to the account's event stream.
    Events,
}

impl fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScopeKind::Incoming => "incoming",
            ScopeKind::Outgoing => "outgoing",
            ScopeKind::Events => "events",
        })
    }
}

/// The grants an Access Token can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantKind {
    /// Voice: receive and place calls (`voice`).
    Voice,
    /// Video: join rooms (`video`).
    Video,
    /// Conversations / Chat (`chat`).
    Chat,
    /// Sync (`data_sync`).
    Sync,
    /// TaskRouter (`task_router`).
    TaskRouter,
    /// Live playback (`player`).
    Playback,
}

impl GrantKind {
    /// Every kind, in the order of this enum.
    pub const ALL: [GrantKind; 6] = [
        GrantKind::Voice,
        GrantKind::Video,
        GrantKind::Chat,
        GrantKind::Sync,
        GrantKind::TaskRouter,
        GrantKind::Playback,
    ];

    /// The grant's key in the token's `grants` claim: `voice`, `video`, `chat`, `data_sync`,
    /// `task_router` or `player`.
    pub const fn key(self) -> &'static str {
        match self {
            GrantKind::Voice => "voice",
            GrantKind::Video => "video",
            GrantKind::Chat => "chat",
            GrantKind::Sync => "data_sync",
            GrantKind::TaskRouter => "task_router",
            GrantKind::Playback => "player",
        }
    }

    /// The kind whose key in the `grants` claim is `key`.
    pub fn from_key(key: &str) -> Option<GrantKind> {
        GrantKind::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// The grant's name in the `access_token!` grammar and the builder: `voice`, `video`,
    /// `chat`, `sync`, `task_router` or `playback`.
    pub const fn name(self) -> &'static str {
        match self {
            GrantKind::Voice => "voice",
            GrantKind::Video => "video",
            GrantKind::Chat => "chat",
            GrantKind::Sync => "sync",
            GrantKind::TaskRouter => "task_router",
            GrantKind::Playback => "playback",
        }
    }
}

/// Shows the name of the grammar and the builder (`sync`, `playback`), not the token's key.
impl fmt::Display for GrantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
