# The differential peer of H11DifferentialTests: parses each input (one hex-encoded request a line)
# with Python's h11 (Debian's python3-h11), as a server, and prints one JSON line per input:
# {"ok": true, "events": [...]} for a first request it parsed completely, else {"ok": false, "why": ...}.
# Events use the test's normalized text: "line M T V", "header N: V", "body ...", "trailer N: V", "complete".
import json
import sys

import h11


def parse(data):
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    events = []
    body = b""
    # Bounded: one request makes a handful of events.
    for _ in range(10000):
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as e:
            return {"ok": False, "why": str(e)}
        if event is h11.NEED_DATA or event is h11.PAUSED:
            return {"ok": False, "why": "incomplete"}
        if isinstance(event, h11.Request):
            events.append("line %s %s %s" % (event.method.decode("latin-1"), event.target.decode("latin-1"), event.http_version.decode("latin-1")))
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
    print(json.dumps(parse(bytes.fromhex(line.strip()))))
print("done")
