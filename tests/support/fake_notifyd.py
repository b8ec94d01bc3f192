#!/usr/bin/python3
"""A fake desktop notification server for tests.

Owns org.freedesktop.Notifications on the session bus it is started on (a
private one, under dbus-run-session) and appends every Notify call to a log
file as one JSON object per line. Needs Debian's python3-dbus and python3-gi.

usage: fake_notifyd.py LOG_FILE
"""

import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def plain(value):
    """dbus-python values as JSON: bytes (the urgency hint) become integers."""
    if isinstance(value, dbus.Byte):
        return int(value)
    if isinstance(value, (dbus.Dictionary, dict)):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (dbus.Array, list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dbus.Boolean, bool)):
        return bool(value)
    if isinstance(value, (dbus.Int32, dbus.UInt32, dbus.Int64, dbus.UInt64, int)):
        return int(value)
    return str(value)


class Server(dbus.service.Object):
    def __init__(self, bus, log_path):
        super().__init__(bus, PATH)
        self.log_path = log_path
        self.last_id = 0

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body", "body-markup", "actions", "persistence"]

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("fake-notifyd", "cockpit-tests", "0.1", "1.2")

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout):
        self.last_id = int(replaces_id) or self.last_id + 1
        record = {
            "id": self.last_id,
            "app_name": plain(app_name),
            "replaces_id": plain(replaces_id),
            "app_icon": plain(app_icon),
            "summary": plain(summary),
            "body": plain(body),
            "actions": plain(actions),
            "hints": plain(hints),
            "expire_timeout": plain(expire_timeout),
        }
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        return self.last_id

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, notification_id):
        self.NotificationClosed(notification_id, 3)

    @dbus.service.signal(NAME, signature="uu")
    def NotificationClosed(self, notification_id, reason):
        pass

    @dbus.service.signal(NAME, signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    # Claim the name before serving, and fail loudly if another server has it.
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    Server(bus, sys.argv[1])
    print(f"fake-notifyd owns {name.get_name()}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
