#!/usr/bin/env bash
# E-mail end to end against a real SMTP server on 127.0.0.1: aiosmtpd (PyPI,
# in a venv under /var/tmp) with STARTTLS and implicit TLS, AUTH required,
# certificates made here for this run (a private CA and a server certificate
# for 127.0.0.1, with the openssl CLI). Runs `cargo test --test email_e2e`
# and stops the server it started.
#
#   tests/support/email.sh          install, start, test, stop
#   tests/support/email.sh start    install and start; print the env to export
#   tests/support/email.sh stop     stop the server
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${COCKPIT_EMAIL_STATE:-/var/tmp/cockpit-email}
PORT=${COCKPIT_SMTP_PORT:-12587}
VENV=$STATE/venv
PY=$VENV/bin/python
mkdir -p "$STATE"

log() { echo "email.sh: $*" >&2; }

install() {
    if ! command -v openssl >/dev/null; then
        log "installing openssl (the CLI, for the test certificates)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
    fi
    [ -x "$PY" ] || python3 -m venv "$VENV"
    if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
        log "installing aiosmtpd into $VENV"
        "$VENV/bin/pip" install -q --no-cache-dir aiosmtpd
    fi
}

# A CA and a server certificate signed by it: rustls refuses a CA
# certificate used as the server's own, so a single self-signed one won't do.
certs() {
    local d=$STATE/tls
    rm -rf "$d"
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cockpit test CA" \
        -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$d/ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
        -CAcreateserial -days 2 -extfile "$d/ext" -out "$d/server.pem" 2>/dev/null
}

start() {
    stop
    certs
    rm -rf "$STATE/spool"
    echo ok >"$STATE/mode"
    nohup "$PY" "$ROOT/tests/support/smtp_server.py" "$PORT" "$STATE/tls/server.pem" \
        "$STATE/tls/server.key" "$STATE/spool" "$STATE/mode" cockpit cockpit-pass \
        </dev/null >"$STATE/smtp.out" 2>&1 &
    echo $! >"$STATE/pid"
    for _ in $(seq 100); do
        grep -q "implicit TLS" "$STATE/smtp.out" 2>/dev/null && return 0
        kill -0 "$(cat "$STATE/pid")" 2>/dev/null || break
        sleep 0.1
    done
    cat "$STATE/smtp.out" >&2
    log "the SMTP server did not start"
    exit 1
}

stop() {
    local f=$STATE/pid
    if [ -f "$f" ]; then
        local pid
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$f"
    fi
}

session_env() {
    for kv in "COCKPIT_E2E_SMTP=1" "COCKPIT_E2E_SMTP_PORT=$PORT" \
        "COCKPIT_E2E_SMTP_CA=$STATE/tls/ca.pem" "COCKPIT_E2E_SMTP_SPOOL=$STATE/spool" \
        "COCKPIT_E2E_SMTP_MODE=$STATE/mode"; do
        echo "export $kv"
    done
}

case "${1:-test}" in
    start)
        install; start; session_env ;;
    stop)
        stop ;;
    test)
        install
        trap stop EXIT
        start
        eval "$(session_env)"
        cd "$ROOT"
        cargo test --test email_e2e -- --nocapture ;;
    *)
        echo "usage: $0 [test|start|stop]" >&2; exit 2 ;;
esac
