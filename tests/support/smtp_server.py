"""A real SMTP server on 127.0.0.1 for tests/email_e2e.rs (aiosmtpd).

Two listeners: STARTTLS (required before AUTH) on PORT and implicit TLS on
PORT+1, both requiring AUTH (PLAIN or LOGIN) with USER / PASSWORD. Every
accepted message is written to SPOOL as one JSON file (envelope, login, the
raw message). The file MODE decides what DATA gets, so a test can play a
failing server:

  ok        250, the message is spooled
  reject    554 5.7.1 (permanent: the cockpit must park the row)
  tempfail  451 4.3.0 (transient: the cockpit must retry)
  drop      the connection is cut without an answer (the cockpit must retry)

usage: smtp_server.py PORT CERT KEY SPOOL MODE USER PASSWORD
"""

import json
import os
import signal
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, spool, mode_file, user, password = sys.argv[1:8]
port = int(port)
os.makedirs(spool, exist_ok=True)


def mode():
    try:
        with open(mode_file) as f:
            return f.read().strip() or "ok"
    except FileNotFoundError:
        return "ok"


class Handler:
    async def handle_DATA(self, server, session, envelope):
        m = mode()
        if m == "reject":
            return "554 5.7.1 Message rejected by test policy"
        if m == "tempfail":
            return "451 4.3.0 Mailbox busy, try again later"
        if m == "drop":
            server.transport.abort()
            return "421 4.4.2 never sent: the connection is gone"
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.login.decode() if session.auth_data else None,
            "tls": server._tls_protocol is not None
            or server.transport.get_extra_info("sslcontext") is not None,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        name = os.path.join(spool, f"{time.time_ns()}.json")
        with open(name + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == user
        and auth_data.password.decode() == password
    )
    # handled=False: aiosmtpd then answers "535 5.7.8" itself.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)

common = dict(hostname="127.0.0.1", authenticator=authenticator, auth_required=True)
starttls = Controller(
    Handler(),
    port=port,
    tls_context=ctx,
    require_starttls=True,
    auth_require_tls=True,
    **common,
)
# aiosmtpd counts only STARTTLS as TLS for `auth_require_tls`; this listener
# speaks TLS from the first byte, so AUTH never crosses in the clear anyway.
implicit = Controller(
    Handler(), port=port + 1, ssl_context=ctx, auth_require_tls=False, **common
)
starttls.start()
implicit.start()
print(f"smtp_server: STARTTLS on {port}, implicit TLS on {port + 1}", flush=True)

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    signal.pause()
finally:
    starttls.stop()
    implicit.stop()
