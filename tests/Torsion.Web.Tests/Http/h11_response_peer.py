# The differential peer of H11ResponseDifferentialTests: each input line is "METHOD HEX"; h11 (Debian's
# python3-h11), as a client that sent METHOD, parses the hex-decoded response followed by the close, and
# one JSON line per input is printed: {"ok": true, "events": [...]} for a final response parsed
# completely, else {"ok": false, "why": ...}. Events: "status CODE REASON", "header N: V", "body ...",
# "trailer N: V", "complete".
import json
import sys

import h11


def parse(method, data):
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method=method, target="/", headers=[("Host", "example")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(data)
    conn.receive_data(b"")
    events = []
    body = b""
    for _ in range(10000):
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as e:
            return {"ok": False, "why": str(e)}
        if event is h11.NEED_DATA or event is h11.PAUSED:
            return {"ok": False, "why": "incomplete"}
        if isinstance(event, (h11.InformationalResponse, h11.Response)):
            events.append("status %d %s" % (event.status_code, event.reason.decode("latin-1")))
            for name, value in event.headers.raw_items():
                events.append("header %s: %s" % (name.decode("latin-1"), value.decode("latin-1")))
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage):
            if body:
                events.append("body " + body.decode("latin-1"))
            for name, value in event.headers.raw_items():
                events.append("trailer %s: %s" % (name.decode("latin-1"), value.decode("latin-1")))
            events.append("complete")
            return {"ok": True, "events": events}
        else:
            return {"ok": False, "why": "unexpected event %r" % (event,)}
    return {"ok": False, "why": "no end after 10000 events"}


for line in open(sys.argv[1]):
    method, hexdata = line.split()
    print(json.dumps(parse(method, bytes.fromhex(hexdata))))
print("done")
