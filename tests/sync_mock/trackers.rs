//! Loopback servers for status pages, trackers and client tickets (issue
//! 17). Each checks the credential the documented way and answers like the
//! real API: 401 without it, 404 for an unknown item, created items get ids.

use serde_json::{Value, json};
use std::sync::Arc;

use super::{Behaviour, Recorded, Reply, World};

fn created(w: &mut World, kind: &str) -> u64 {
    w.counter += 1;
    w.txns
        .insert(format!("{kind}:{}", w.counter), String::new());
    w.counter
}

fn known(w: &World, kind: &str, id: &str) -> bool {
    w.txns.contains_key(&format!("{kind}:{id}"))
}

fn record(r: &Recorded, w: &mut World) {
    w.posts
        .push(json!({"method": r.method, "path": r.path, "body": r.json()}));
}

/// Statuspage: `Authorization: OAuth KEY`; incidents `inc<n>`.
pub fn statuspage(page: &'static str, key: &'static str) -> Behaviour {
    Arc::new(move |r, w| {
        if r.header("authorization") != Some(&format!("OAuth {key}")) {
            return Reply::json(401, json!({"error": "Could not authenticate"}));
        }
        // `cockpit sync test`: the page itself.
        if r.method == "GET" && r.path == format!("/v1/pages/{page}") {
            return Reply::json(200, json!({"id": page, "name": "Acme Status"}));
        }
        record(r, w);
        let base = format!("/v1/pages/{page}/incidents");
        let incident = |id: &str| {
            json!({"id": id, "name": r.json()["incident"]["name"], "status": r.json()["incident"]["status"],
                   "shortlink": format!("https://stspg.io/{id}")})
        };
        if r.method == "POST" && r.path == base {
            let n = created(w, "sp");
            return Reply::json(201, incident(&format!("inc{n}")));
        }
        if let Some(id) = r.path.strip_prefix(&format!("{base}/"))
            && r.method == "PATCH"
        {
            let n = id.trim_start_matches("inc");
            if known(w, "sp", n) {
                return Reply::json(200, incident(id));
            }
        }
        Reply::json(
            404,
            json!({"error": "The requested resource could not be found."}),
        )
    })
}

/// Jira REST v2: Basic auth; issues `OPS-<n>`; edit 204, comment 201.
pub fn jira(auth: String) -> Behaviour {
    Arc::new(move |r, w| {
        if r.header("authorization") != Some(auth.as_str()) {
            return Reply::new(401, "");
        }
        if r.method == "GET" && r.path == "/rest/api/2/myself" {
            return Reply::json(200, json!({"name": "ic", "displayName": "Ann IC"}));
        }
        record(r, w);
        if r.method == "POST" && r.path == "/rest/api/2/issue" {
            let f = &r.json()["fields"];
            if f["summary"].as_str().unwrap_or("").is_empty() {
                return Reply::json(
                    400,
                    json!({"errorMessages": [], "errors": {"summary": "You must specify a summary of the issue."}}),
                );
            }
            let n = created(w, "jira");
            return Reply::json(
                201,
                json!({"id": format!("{}", 10000 + n), "key": format!("OPS-{n}"),
                       "self": format!("https://jira.example/rest/api/2/issue/{}", 10000 + n)}),
            );
        }
        let rest = r.path.strip_prefix("/rest/api/2/issue/").unwrap_or("");
        let (key, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let n = key.trim_start_matches("OPS-");
        if !known(w, "jira", n) {
            return Reply::json(
                404,
                json!({"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}),
            );
        }
        match (r.method.as_str(), tail) {
            ("PUT", "") => Reply::new(204, ""),
            ("POST", "comment") => {
                Reply::json(201, json!({"id": "20001", "body": r.json()["body"]}))
            }
            ("POST", "transitions") if r.json()["transition"]["id"] == "31" => Reply::new(204, ""),
            ("POST", "transitions") => Reply::json(
                400,
                json!({"errorMessages": ["Transition id is not valid for this issue."], "errors": {}}),
            ),
            _ => Reply::new(405, ""),
        }
    })
}

/// GitLab v4: `PRIVATE-TOKEN`; issues by project-local iid.
pub fn gitlab(project: &'static str, token: &'static str) -> Behaviour {
    Arc::new(move |r, w| {
        if r.header("private-token") != Some(token) {
            return Reply::json(401, json!({"message": "401 Unauthorized"}));
        }
        if r.method == "GET" {
            return if r.path == format!("/api/v4/projects/{project}") {
                Reply::json(200, json!({"id": 7, "path_with_namespace": "ops/app"}))
            } else {
                Reply::json(404, json!({"message": "404 Project Not Found"}))
            };
        }
        record(r, w);
        let base = format!("/api/v4/projects/{project}/issues");
        if r.method == "POST" && r.path == base {
            let n = created(w, "gl");
            return Reply::json(
                201,
                json!({"id": 900 + n, "iid": n, "title": r.json()["title"], "labels": r.json()["labels"],
                       "web_url": format!("https://gitlab.example/ops/app/-/issues/{n}")}),
            );
        }
        let Some(rest) = r.path.strip_prefix(&format!("{base}/")) else {
            return Reply::json(404, json!({"message": "404 Project Not Found"}));
        };
        let (iid, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if !known(w, "gl", iid) {
            return Reply::json(404, json!({"message": "404 Not found"}));
        }
        match (r.method.as_str(), tail) {
            ("PUT", "") => Reply::json(200, json!({"iid": iid.parse::<u64>().unwrap()})),
            ("POST", "notes") => Reply::json(201, json!({"id": 1, "body": r.json()["body"]})),
            _ => Reply::new(405, ""),
        }
    })
}

/// Zendesk: Basic `{email}/token:{api_token}`; tickets listed in `tickets`.
pub fn zendesk(auth: String, tickets: &'static [&'static str]) -> Behaviour {
    Arc::new(move |r, w| {
        if r.header("authorization") != Some(auth.as_str()) {
            return Reply::json(401, json!({"error": "Couldn't authenticate you"}));
        }
        if r.method == "GET" && r.path == "/api/v2/users/me.json" {
            return Reply::json(
                200,
                json!({"user": {"id": 42, "name": "Cam", "role": "agent"}}),
            );
        }
        record(r, w);
        let id = r
            .path
            .strip_prefix("/api/v2/tickets/")
            .and_then(|t| t.strip_suffix(".json"))
            .unwrap_or("");
        if r.method != "PUT" || !tickets.contains(&id) {
            return Reply::json(
                404,
                json!({"error": "RecordNotFound", "description": "Not found"}),
            );
        }
        let c: Value = r.json()["ticket"]["comment"].clone();
        Reply::json(
            200,
            json!({"ticket": {"id": id.parse::<u64>().unwrap()}, "audit": {"events": [{"type": "Comment", "body": c["body"], "public": c["public"]}]}}),
        )
    })
}

/// `Authorization: Basic base64(user:password)`, as the tests expect it.
pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// status.io v2: `x-api-id` and `x-api-key`; incidents `sio<n>`; answers
/// `{"status": {"error": "no", "message": "OK"}, "result": ...}`, and a
/// refusal in a 200 for an unknown page (as its clients expect).
pub fn statusio(api_id: &'static str, key: &'static str, page: &'static str) -> Behaviour {
    Arc::new(move |r, w| {
        if r.header("x-api-id") != Some(api_id) || r.header("x-api-key") != Some(key) {
            return Reply::json(
                401,
                json!({"status": {"error": "yes", "message": "Unauthorized"}}),
            );
        }
        record(r, w);
        let ok = |result: Value| {
            Reply::json(
                200,
                json!({"status": {"error": "no", "message": "OK"}, "result": result}),
            )
        };
        if r.method == "GET" {
            return if r.path == format!("/v2/component/list/{page}") {
                ok(
                    json!([{"_id": "cmp1", "name": "Checkout", "containers": [{"_id": "ctr1", "name": "EU"}]}]),
                )
            } else {
                Reply::json(
                    404,
                    json!({"status": {"error": "yes", "message": "Not found"}}),
                )
            };
        }
        let b = r.json();
        if r.method != "POST" || b["statuspage_id"] != page {
            return Reply::json(
                200,
                json!({"status": {"error": "yes", "message": "Invalid statuspage_id"}}),
            );
        }
        match r.path.as_str() {
            "/v2/incident/create" => {
                let n = created(w, "sio");
                ok(json!(format!("sio{n}")))
            }
            "/v2/incident/update" | "/v2/incident/resolve" => {
                let id = b["incident_id"].as_str().unwrap_or("");
                if known(w, "sio", id.trim_start_matches("sio")) {
                    ok(json!(true))
                } else {
                    Reply::json(
                        404,
                        json!({"status": {"error": "yes", "message": "Incident not found"}}),
                    )
                }
            }
            _ => Reply::json(
                404,
                json!({"status": {"error": "yes", "message": "Not found"}}),
            ),
        }
    })
}

/// PagerDuty REST `/oncalls`: `Token token=`, the v2 Accept header; two
/// policies' on-calls at two levels.
pub fn pagerduty_rest(key: &'static str) -> Behaviour {
    Arc::new(move |r, _w| {
        if r.header("authorization") != Some(&format!("Token token={key}")) {
            return Reply::json(
                401,
                json!({"error": {"message": "Unauthorized", "code": 2006}}),
            );
        }
        if r.header("accept") != Some("application/vnd.pagerduty+json;version=2") {
            return Reply::json(406, json!({"error": {"message": "Not Acceptable"}}));
        }
        if !r.path.starts_with("/oncalls?") {
            return Reply::json(
                404,
                json!({"error": {"message": "Not Found", "code": 2100}}),
            );
        }
        let user = |n: &str| json!({"id": format!("U{n}"), "type": "user_reference", "summary": n});
        Reply::json(
            200,
            json!({"oncalls": [
                {"user": user("Bob Ops"), "escalation_policy": {"id": "PDB"}, "escalation_level": 2},
                {"user": user("Ann Lee"), "escalation_policy": {"id": "PDB"}, "escalation_level": 1},
                {"user": user("Cem Kaya"), "escalation_policy": {"id": "PCOMMS"}, "escalation_level": 1},
                {"user": user("Ann Lee"), "escalation_policy": {"id": "PDB"}, "escalation_level": 1},
                {"user": user("Dee Other"), "escalation_policy": {"id": "PELSE"}, "escalation_level": 1}
            ], "limit": 25, "offset": 0, "more": false}),
        )
    })
}
