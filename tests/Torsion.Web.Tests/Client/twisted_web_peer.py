# A Twisted web server for the client's interop tests: prints its port, then serves until killed.
import hashlib
import sys

from twisted.internet import reactor
from twisted.web import resource, server, util
from twisted.web.server import GzipEncoderFactory
from twisted.web.resource import EncodingResourceWrapper

connections = [0]


class Hello(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        request.setHeader(b"content-type", b"text/plain")
        return b"hello from twisted"


class Chunked(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        # No length: Twisted sends HTTP/1.1 responses chunked.
        for i in range(50):
            request.write(b"piece %d;" % i)
        request.finish()
        return server.NOT_DONE_YET


class Echo(resource.Resource):
    isLeaf = True

    def render_POST(self, request):
        body = request.content.read()
        framing = request.getHeader(b"content-length") or request.getHeader(b"transfer-encoding") or b"-"
        return b"%d %s %s" % (len(body), framing, hashlib.sha256(body).hexdigest().encode())


class Big(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        return b"0123456789abcdef" * 65536


class Connections(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        return b"%d" % connections[0]


class CountingSite(server.Site):
    def buildProtocol(self, addr):
        connections[0] += 1
        return server.Site.buildProtocol(self, addr)


root = resource.Resource()
root.putChild(b"hello", Hello())
root.putChild(b"chunked", Chunked())
root.putChild(b"echo", Echo())
root.putChild(b"big", Big())
root.putChild(b"connections", Connections())
root.putChild(b"gzip", EncodingResourceWrapper(Big(), [GzipEncoderFactory()]))
root.putChild(b"redirect", util.Redirect(b"/hello"))

port = reactor.listenTCP(0, CountingSite(root), interface="127.0.0.1")
print(port.getHost().port, flush=True)
reactor.run()
