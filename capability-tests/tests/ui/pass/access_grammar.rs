// The whole `access_token!` grammar, literals and run-time values.
use capability::{access_token, AccessPolicy, AppSid, ClientName, Region};

const EVERYTHING: AccessPolicy = access_token! {
    identity "alice";
    voice {
        incoming;
        outgoing "AP0123456789abcdef0123456789abcdef" { To = "+15551234567", "Queue-Name" = "x" };
        push_credential "CR0123456789abcdef0123456789abcdef";
        endpoint "alice-iphone"
    };
    video { room "DailyStandup" };
    chat {
        service "IS0123456789abcdef0123456789abcdef";
        endpoint "alice-web";
        deployment_role "RL0123456789abcdef0123456789abcdef";
        push_credential "CR0123456789abcdef0123456789abcdef";
    };
    sync { service "IS0123456789abcdef0123456789abcdef"; endpoint "alice-sync" };
    task_router {
        workspace "WS0123456789abcdef0123456789abcdef";
        worker "WK0123456789abcdef0123456789abcdef";
        role "worker";
    };
    region "ie1";
    ttl 1h30m;
};

const EMPTY_GRANTS: AccessPolicy = access_token! { identity "alice"; voice; video; chat {}; };

fn main() -> Result<(), capability::Error> {
    assert_eq!(EVERYTHING.grants().kinds().len(), 5);
    assert_eq!(EMPTY_GRANTS.grants().kinds().len(), 3);
    let user = ClientName::new("alice")?;
    let app_sid = AppSid::new("AP0123456789abcdef0123456789abcdef")?;
    let region = Region::new("ie1")?;
    let dynamic: AccessPolicy = access_token! {
        identity {user};
        voice { incoming; outgoing {app_sid} { To = {String::from("+15551234567")} } };
        region {region};
    }?;
    assert!(dynamic.grants().voice().unwrap().incoming_allowed());
    Ok(())
}
