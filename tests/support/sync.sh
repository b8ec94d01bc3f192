#!/usr/bin/env bash
# End-to-end sync test against real servers on 127.0.0.1: a Matrix homeserver
# (Synapse from PyPI, SQLite) and Prometheus Alertmanager (Debian package).
# Idempotent: installs what is missing, (re)uses its state directory, starts
# the servers, registers users with the shared secret, creates a room, runs
# `cargo test --test sync_e2e`, and stops the servers it started.
#
#   tests/support/sync.sh          install, start, test, stop
#   tests/support/sync.sh start    install and start; print the env to export
#   tests/support/sync.sh stop     stop the servers
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${COCKPIT_SYNC_STATE:-/var/tmp/cockpit-sync}
SYNAPSE_PORT=${COCKPIT_SYNAPSE_PORT:-18008}
AM_PORT=${COCKPIT_AM_PORT:-19093}
VENV=$STATE/venv
PY=$VENV/bin/python
HS=http://127.0.0.1:$SYNAPSE_PORT
AM=http://127.0.0.1:$AM_PORT
mkdir -p "$STATE"

log() { echo "sync.sh: $*" >&2; }

install() {
    if ! command -v prometheus-alertmanager >/dev/null; then
        log "installing prometheus-alertmanager"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-alertmanager >/dev/null
    fi
    if [ ! -x "$PY" ]; then
        python3 -m venv "$VENV"
    fi
    if ! "$PY" -c 'import synapse' 2>/dev/null; then
        log "installing matrix-synapse into $VENV (a few minutes)"
        "$VENV/bin/pip" install -q --no-cache-dir matrix-synapse
    fi
}

# Poll a URL until it answers 200 (at most $2 seconds).
wait_http() {
    "$PY" - "$1" "${2:-60}" <<'PYEOF'
import sys, time, urllib.request
url, limit = sys.argv[1], float(sys.argv[2])
end = time.time() + limit
while time.time() < end:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.2)
sys.exit(f"no answer from {url} within {limit}s")
PYEOF
}

up() { "$PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; }

start_synapse() {
    local dir=$STATE/synapse
    mkdir -p "$dir"
    if [ ! -f "$dir/homeserver.yaml" ]; then
        (cd "$dir" && "$PY" -m synapse.app.homeserver --server-name localhost \
            --config-path homeserver.yaml --generate-config --report-stats=no >/dev/null)
        # Loopback only, no outbound key fetches, no rate limits in the way.
        "$PY" - "$dir/homeserver.yaml" "$SYNAPSE_PORT" <<'PYEOF'
import sys, yaml
path, port = sys.argv[1], int(sys.argv[2])
c = yaml.safe_load(open(path))
c["listeners"] = [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                   "x_forwarded": True, "resources": [{"names": ["client"], "compress": False}]}]
c["trusted_key_servers"] = []
c["suppress_key_server_warning"] = True
big = {"per_second": 1000, "burst_count": 1000}
for k in ("rc_message", "rc_registration", "rc_joins", "rc_invites", "rc_admin_redaction"):
    c[k] = big
c["rc_login"] = {"address": big, "account": big, "failed_attempts": big}
yaml.safe_dump(c, open(path, "w"))
PYEOF
    fi
    if up "$HS/_matrix/client/versions"; then
        log "synapse already up on $HS"
    else
        log "starting synapse on $HS"
        (
            cd "$dir"
            nohup "$PY" -m synapse.app.homeserver -c homeserver.yaml \
                </dev/null >"$dir/synapse.out" 2>&1 &
            echo $! >"$dir/pid"
        )
        wait_http "$HS/_matrix/client/versions" 90
    fi
    # Users by the shared secret in homeserver.yaml; --exists-ok: rerunnable.
    for u in cockpit bob; do
        "$VENV/bin/register_new_matrix_user" -c "$dir/homeserver.yaml" -u "$u" -p "${u}-pass" \
            --no-admin --exists-ok "$HS" >/dev/null
    done
}

start_alertmanager() {
    local dir=$STATE/alertmanager
    mkdir -p "$dir/data"
    cat >"$dir/alertmanager.yml" <<'YAML'
route:
  receiver: nowhere
  group_wait: 1s
receivers:
  - name: nowhere
YAML
    if up "$AM/-/ready"; then
        log "alertmanager already up on $AM"
        return
    fi
    log "starting alertmanager on $AM"
    nohup prometheus-alertmanager --config.file="$dir/alertmanager.yml" \
        --storage.path="$dir/data" --web.listen-address="127.0.0.1:$AM_PORT" \
        --cluster.listen-address= </dev/null >"$dir/alertmanager.out" 2>&1 &
    echo $! >"$dir/pid"
    wait_http "$AM/-/ready" 60
}

stop() {
    for s in synapse alertmanager; do
        local f=$STATE/$s/pid
        if [ -f "$f" ]; then
            local pid
            pid=$(cat "$f")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$pid" 2>/dev/null || true
            rm -f "$f"
        fi
    done
}

# Log both users in, make a fresh room for this run, bob joins it; print env.
session_env() {
    "$PY" - "$HS" "$AM" <<'PYEOF'
import json, sys, urllib.request
hs, am = sys.argv[1], sys.argv[2]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(hs + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
def login(user):
    return call("POST", "/_matrix/client/v3/login", {"type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": user}, "password": user + "-pass",
        "device_id": "E2E" + user.upper()})["access_token"]
cockpit, bob = login("cockpit"), login("bob")
room = call("POST", "/_matrix/client/v3/createRoom",
            {"preset": "private_chat", "name": "incident e2e", "invite": ["@bob:localhost"]},
            token=cockpit)["room_id"]
call("POST", "/_matrix/client/v3/join/" + urllib.request.quote(room), {}, token=bob)
for k, v in [("COCKPIT_E2E", "1"), ("COCKPIT_E2E_MATRIX_URL", hs),
             ("COCKPIT_E2E_MATRIX_TOKEN", cockpit), ("COCKPIT_E2E_MATRIX_BOB_TOKEN", bob),
             ("COCKPIT_E2E_MATRIX_ROOM", room), ("COCKPIT_E2E_ALERTMANAGER_URL", am)]:
    print(f"export {k}='{v}'")
PYEOF
}

case "${1:-test}" in
    start)
        install; start_synapse; start_alertmanager; session_env ;;
    stop)
        stop ;;
    test)
        install
        trap stop EXIT
        start_synapse
        start_alertmanager
        eval "$(session_env)"
        cd "$ROOT"
        cargo test --test sync_e2e -- --nocapture ;;
    *)
        echo "usage: $0 [test|start|stop]" >&2; exit 2 ;;
esac
