//! `cockpit status` lines for the outside systems (issue 17): roles paged
//! and not engaged, public posts held, the ids trackers gave the incident.

use crate::domain::Incident;

pub fn outside(i: &Incident) -> String {
    let r = &i.remote;
    let mut o = String::new();
    for (role, p) in &r.paged {
        let who = if p.person.is_empty() {
            "the on-call".to_string()
        } else {
            p.person.clone()
        };
        o.push_str(&format!(
            "paged {who} for {role} at {} (not engaged yet)\n",
            p.at.format("%H:%M UTC")
        ));
    }
    if let Some(h) = &r.hold {
        o.push_str(&format!(
            "public posts held by {} since {}{}\n",
            h.by,
            h.at.format("%H:%M UTC"),
            if h.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", h.reason)
            }
        ));
    }
    let mut seen: Vec<(&str, &str, &str)> = Vec::new();
    for x in r.refs.iter().filter(|x| !x.item.starts_with("follow_up:")) {
        let key = (x.endpoint.as_str(), x.item.as_str(), x.id.as_str());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let url = if x.url.is_empty() {
            String::new()
        } else {
            format!(" {}", x.url)
        };
        o.push_str(&format!(
            "{}: {} {}{url}\n",
            x.endpoint,
            x.item.replace('_', " "),
            x.id
        ));
    }
    if o.is_empty() { o } else { format!("\n{o}") }
}
