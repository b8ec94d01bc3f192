//! Each of seed 000's rules, with text that must be flagged and text that must not.

use super::*;

fn rules(text: &str) -> Vec<(Rule, String)> {
    lint(text).into_iter().map(|f| (f.rule, f.found)).collect()
}

fn flagged(text: &str, rule: Rule) -> Vec<String> {
    lint(text)
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.found)
        .collect()
}

#[test]
fn third_person_flags_first_person_words() {
    for (text, word) in [
        ("I restarted the pod.", "I"),
        ("Then we rolled back.", "we"),
        ("The pager woke me at 03:10.", "me"),
        ("My query was slow.", "My"),
        ("Our dashboards showed 502s.", "Our"),
        ("The alert paged us at 03:10.", "us"),
        ("We've seen this before.", "We've"),
        ("Let's fail over.", "Let's"),
    ] {
        assert_eq!(flagged(text, Rule::ThirdPerson), [word], "{text}");
    }
}

#[test]
fn third_person_leaves_others_alone() {
    for text in [
        "Sally restarted the pod at 03:10.",
        "The team rolled back release 42.",
        "Disk I/O on db-1 reached 100%.",
        "Traffic from the US dropped by 40%.",
        "The IC asked \"Is anyone opposed to me closing this incident?\"",
        "Run `mysql -u me` to connect.",
        "Users saw a message, the museum page went blank.",
    ] {
        assert!(flagged(text, Rule::ThirdPerson).is_empty(), "{text}");
    }
}

#[test]
fn blame_flags_judgement_and_hindsight() {
    for (text, found) in [
        ("Bob made a careless change to the config.", "careless"),
        ("It was a stupid typo.", "stupid"),
        (
            "The on-call engineer should have checked the dashboard.",
            "should have",
        ),
        ("Ann shouldn't have deployed on Friday.", "shouldn't have"),
        ("The root cause was human error.", "human error"),
        ("Deploy team screwed up the rollout.", "screwed up"),
        ("It is Bob's fault.", "fault"),
    ] {
        assert_eq!(flagged(text, Rule::Blame), [found], "{text}");
    }
}

#[test]
fn blame_leaves_neutral_words_alone() {
    for text in [
        "The faulty disk on db-2 failed at 03:10.",
        "The job failed to start because the image tag did not exist.",
        "Ann changed the config at 14:02; the error rate rose to 20%.",
        "The runbook did not list the failover step.",
    ] {
        assert!(flagged(text, Rule::Blame).is_empty(), "{text}");
    }
}

#[test]
fn passive_voice_is_flagged() {
    for (text, found) in [
        ("The logs were copied to a remote machine.", "were copied"),
        ("The pod was restarted at 03:10.", "was restarted"),
        ("The cache was not cleared.", "was not cleared"),
        ("The issue is being investigated.", "is being investigated"),
        ("The database was taken offline.", "was taken"),
        ("The table got deleted.", "got deleted"),
        ("Release 42 was quickly rolled back.", "was quickly rolled"),
        ("The pool was exhausted by the batch job.", "was exhausted"),
    ] {
        assert_eq!(flagged(text, Rule::PassiveVoice), [found], "{text}");
    }
}

#[test]
fn active_voice_and_states_are_not_passive() {
    for text in [
        "Sally copied the logs to a remote machine.",
        "The database was unavailable for 12 minutes.",
        "The fix is based on the vendor's advice.",
        "The error rate was 20% at 03:10.",
        "The queue is red on the dashboard.",
        "Bob is the incident commander.",
        "The connection pool is exhausted.",
    ] {
        assert!(flagged(text, Rule::PassiveVoice).is_empty(), "{text}");
    }
}

#[test]
fn passive_voice_is_fine_under_lessons_learned_only() {
    let doc = "\
## Timeline
The pod was restarted.

## Lessons learned
The alert was routed to the wrong team.

### Details
The runbook was written in 2019.

## Follow-up
The ticket was closed.
";
    let found: Vec<(usize, String)> = lint(doc)
        .into_iter()
        .filter(|f| f.rule == Rule::PassiveVoice)
        .map(|f| (f.line, f.found))
        .collect();
    assert_eq!(
        found,
        [
            (2, "was restarted".to_string()),
            (11, "was closed".to_string())
        ],
        "a sub-heading stays inside the lessons; the next ## ends them"
    );
    let plain = "Lessons learned:\nThe alert was routed to the wrong team.\n";
    assert!(flagged(plain, Rule::PassiveVoice).is_empty());
    let html = "<h2>Lessons-learned</h2>\n<p>The alert was routed badly.</p>\n<h2>Next</h2>\n<p>It was closed.</p>";
    assert_eq!(flagged(html, Rule::PassiveVoice), ["was closed"]);
}

#[test]
fn casual_words_are_flagged_with_a_formal_word() {
    for (text, found) in [
        ("The deploy blew up at 14:00.", "blew up"),
        ("The team was gonna roll back.", "gonna"),
        ("Ann nuked the cache.", "nuked"),
        ("A bunch of requests timed out.", "A bunch of"),
        ("Everything looks ok now.", "ok"),
        ("lol the pager went off twice", "lol"),
        ("The rollback was super fast.", "super"),
        ("The team was unlucky with the timing.", "unlucky"),
        ("Luckily the replica was current.", "Luckily"),
        ("The failover is no big deal.", "no big deal"),
        ("The migration messed up the index.", "messed up"),
    ] {
        let f: Vec<Finding> = lint(text)
            .into_iter()
            .filter(|f| f.rule == Rule::Casual)
            .collect();
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        assert_eq!(f[0].found, found);
        assert!(f[0].suggestion.starts_with("formal wording: "), "{f:?}");
    }
}

#[test]
fn formal_words_are_not_casual() {
    for text in [
        "The deploy failed at 14:00.",
        "Ann deleted the cache keys for tenant 7.",
        "About 1,200 requests timed out.",
        "The cooling system in rack 4 stopped.",
        "Bookkeeping jobs resumed at 14:20.",
        "The superuser account was locked by the policy.",
        "Ann reviewed the supervisor logs.",
    ] {
        assert!(flagged(text, Rule::Casual).is_empty(), "{text}");
    }
}

#[test]
fn vague_time_references_are_flagged() {
    for (text, found) in [
        ("The config changed recently.", "recently"),
        ("The fix will ship soon.", "soon"),
        ("The queue drained after a while.", "a while"),
        ("Errors started yesterday.", "yesterday"),
        ("Someone restarted it at some point.", "at some point"),
        ("Errors started around lunch.", "around lunch"),
        ("Errors started at around 3pm.", "around 3pm"),
        ("Errors started at around 3 pm.", "around 3 pm"),
        ("The alert fired about 14:05 UTC.", "about 14:05"),
        ("Traffic peaked at roughly noon.", "roughly noon"),
        ("The deploy went out at 3pm-ish.", "3pm-ish"),
        ("The queue backed up overnight.", "overnight"),
        ("The fix ships by end of day.", "end of day"),
    ] {
        assert_eq!(flagged(text, Rule::VagueTime), [found], "{text}");
    }
}

#[test]
fn numbers_that_are_not_times_are_not_vague() {
    for text in [
        "About 1,200 requests timed out.",
        "Around 30 pods restarted.",
        "The alert fired at 14:05 UTC.",
        "Ann talked about the 3 replicas.",
    ] {
        assert!(flagged(text, Rule::VagueTime).is_empty(), "{text}");
    }
}

#[test]
fn precise_times_are_not_vague() {
    for text in [
        "The config changed at 13:52 UTC.",
        "Ann rolled back as soon as the canary failed.",
        "The queue drained in 14 minutes.",
        "The fix ships on 2026-03-12.",
    ] {
        assert!(flagged(text, Rule::VagueTime).is_empty(), "{text}");
    }
}

#[test]
fn findings_carry_line_column_and_suggestion() {
    let f = lint("Title\n\nAt 03:10 we restarted it.");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].line, f[0].column), (3, 10));
    assert_eq!(f[0].rule.name(), "third-person");
    assert!(f[0].suggestion.contains("third person"));
}

#[test]
fn code_blocks_urls_and_lint_off_are_skipped() {
    let doc = "\
```
we ran: kubectl delete pod -l app=web  # I did this
```
See https://example.com/we/were-copied for details.
<!-- lint: off -->
- How did we respond?
<!-- lint: on -->
We restarted it.
";
    assert_eq!(rules(doc), [(Rule::ThirdPerson, "We".to_string())]);
    assert_eq!(lint(doc)[0].line, 8);
}

#[test]
fn lint_text_flags_passive_everywhere() {
    let f = lint_text("Lessons learned:\nthe cache was cleared");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, Rule::PassiveVoice);
    assert_eq!(f[0].line, 2);
}
