"""Python Twisted's web client (twisted.web.client.Agent) against a Torsion site.

Usage: twisted_agent.py BASE_URL
Does, over one persistent HTTPConnectionPool: GET /hello twice, HEAD /hello, POST /echo with a
100 KB body, GET /chunked (a chunked response), GET /missing (404). Prints one JSON object with what
it saw, and exits 0; on any failure prints the error to stderr and exits 1.
"""
import json
import sys
from io import BytesIO

from twisted.internet import defer, reactor, task
from twisted.web.client import Agent, FileBodyProducer, HTTPConnectionPool, readBody
from twisted.web.http_headers import Headers


@defer.inlineCallbacks
def main(reactor, base):
    pool = HTTPConnectionPool(reactor, persistent=True)
    agent = Agent(reactor, pool=pool)
    out = {}
    for name in ("hello1", "hello2"):
        r = yield agent.request(b"GET", (base + "/hello").encode())
        out[name] = {"code": r.code, "body": (yield readBody(r)).decode(), "length": r.length}
    r = yield agent.request(b"HEAD", (base + "/hello").encode())
    out["head"] = {"code": r.code, "length": r.length, "body": (yield readBody(r)).decode()}
    payload = bytes(range(256)) * 400
    r = yield agent.request(b"POST", (base + "/echo").encode(), Headers({b"Content-Type": [b"application/octet-stream"]}), FileBodyProducer(BytesIO(payload)))
    body = yield readBody(r)
    out["echo"] = {"code": r.code, "same": body == payload, "length": len(body)}
    r = yield agent.request(b"GET", (base + "/chunked").encode())
    out["chunked"] = {"code": r.code, "body": (yield readBody(r)).decode(), "length": r.length}
    r = yield agent.request(b"GET", (base + "/missing").encode())
    yield readBody(r)
    out["missing"] = {"code": r.code}
    out["server"] = r.headers.getRawHeaders(b"server", [b""])[0].decode()
    yield pool.closeCachedConnections()
    print(json.dumps(out))


def run(reactor):
    d = main(reactor, sys.argv[1])

    def failed(f):
        sys.stderr.write(f.getTraceback())
        raise SystemExit(1)

    d.addErrback(failed)
    return d


if __name__ == "__main__":
    task.react(run)
