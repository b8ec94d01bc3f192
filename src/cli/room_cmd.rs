//! `cockpit room`: the incident's shared Matrix room (issue 15). Binding is
//! an event (`remote_linked`, item `seats_room`), so it travels to the room
//! and to every seat like any other, and the router sends each later event
//! of the incident there (`sync/plan_seats.rs`).

use super::args::{Global, RoomCmd};
use super::failure::Failure;
use crate::config::{Config, EndpointKind};
use crate::domain::{Event, EventKind};
use crate::services::Cockpit;
use crate::sync::plan_seats::{self, ROOM_ITEM};

pub fn room(
    global: &Global,
    cockpit: &mut Cockpit,
    config: &Config,
    cmd: RoomCmd,
) -> Result<String, Failure> {
    match cmd {
        RoomCmd::Link {
            room: room_id,
            endpoint,
        } => link(global, cockpit, config, &room_id, endpoint.as_deref()),
    }
}

fn link(
    global: &Global,
    cockpit: &mut Cockpit,
    config: &Config,
    room_id: &str,
    name: Option<&str>,
) -> Result<String, Failure> {
    // A room id is `!opaque_id:server_name` (spec appendices, "Room IDs";
    // createRoom answers `{"room_id":"!…"}`, ENDPOINTS.md §4.2).
    let valid = room_id.starts_with('!')
        && room_id[1..]
            .split_once(':')
            .is_some_and(|(o, s)| !o.is_empty() && !s.is_empty())
        && !room_id.chars().any(char::is_whitespace);
    if !valid {
        return Err(Failure::usage(format!(
            "`{}` is not a Matrix room id (`!opaque:server`, as the room's settings show it)",
            crate::domain::sanitize::clean_line(room_id)
        )));
    }
    let matrix: Vec<_> = config
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Matrix)
        .filter(|e| name.is_none_or(|n| e.name == n))
        .collect();
    let endpoint = match matrix.as_slice() {
        [one] => *one,
        [] => {
            return Err(Failure::usage(
                "no matrix endpoint in the config ([[endpoint]] kind = \"matrix\") to reach the room"
                    .to_string(),
            ));
        }
        many => {
            return Err(Failure::usage(format!(
                "several matrix endpoints; pick one with --endpoint: {}",
                many.iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let id = cockpit.pick_incident(global.incident.as_deref())?;
    if plan_seats::room(cockpit.journal.incident(id)?) == Some(room_id) {
        return Ok(format!("already bound to {room_id}\n"));
    }
    let now = cockpit.now();
    let event = Event::new(
        id,
        &cockpit.author,
        now,
        now,
        EventKind::RemoteLinked {
            endpoint: endpoint.name.clone(),
            item: ROOM_ITEM.into(),
            id: room_id.to_string(),
            url: String::new(),
            public: false,
        },
    );
    cockpit
        .journal
        .append(event)
        .map_err(crate::services::AppError::from)?;
    Ok(format!(
        "bound to {room_id} through `{}`: the incident's events from now on go there\n",
        endpoint.name
    ))
}
