//! Colour only on a terminal, and never under `NO_COLOR`. The tests' pipes are no terminal;
//! `CLICOLOR_FORCE` stands in for one.

use crate::common::*;

fn has_escapes(run: &Run) -> bool {
    run.stdout.contains('\u{1b}') || run.stderr.contains('\u{1b}')
}

#[test]
fn colour_only_where_it_is_wanted() {
    let token = capability_token("incoming_alice", "twilio-php");
    let policy_mistake = ["check", "incoming \"al ice\""];
    let decode = ["decode", "--at", "1700090000", token.as_str()];
    let verify = ["verify", "--at", "1700090000", token.as_str()];
    for args in [
        &decode[..],
        &verify[..],
        &policy_mistake[..],
        &["check", "--nope"][..],
    ] {
        let piped = run_with(args, &CAPABILITY_ENV, None);
        assert!(!has_escapes(&piped), "{args:?}: {piped:?}");

        let mut forced = CAPABILITY_ENV.to_vec();
        forced.push(("CLICOLOR_FORCE", "1"));
        let coloured = run_with(args, &forced, None);
        assert!(has_escapes(&coloured), "{args:?}: {coloured:?}");

        forced.push(("NO_COLOR", "1"));
        let no_color = run_with(args, &forced, None);
        assert!(!has_escapes(&no_color), "{args:?}: {no_color:?}");
        assert_eq!(no_color.stdout, piped.stdout);
        assert_eq!(no_color.stderr, piped.stderr);
    }
}
