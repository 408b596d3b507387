// webecho.csx: a tiny HTTP/1.0 server that answers every request with the request itself.
//
//   torsiond -n -y examples/webecho.csx         (PORT=8080 torsiond ... for another port)
//   curl http://127.0.0.1:8000/hello
//
// A real web server would use Torsion.Web; this one shows how far a LineReceiver goes: an HTTP
// request head is just lines, ended by an empty one.

var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8000");

var application = new Application("webecho");
new TcpServer(Reactor, port, Factory.ForProtocol<WebEcho>(), interfaceAddress: "127.0.0.1").SetServiceParent(application);

class WebEcho : LineReceiver
{
    // HTTP lines end with "\r\n", LineReceiver's default delimiter.
    private readonly List<string> _request = new();

    public override void LineReceived(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty)
        {
            _request.Add(Encoding.UTF8.GetString(line));
            return;
        }
        // The empty line ends the head. Content-Length counts bytes, so encode the body first.
        var body = Encoding.UTF8.GetBytes("You said:\n" + string.Concat(_request.Select(l => l + "\n")));
        var head = "HTTP/1.0 200 OK\r\n" +
                   "Content-Type: text/plain; charset=utf-8\r\n" +
                   $"Content-Length: {body.Length}\r\n" +
                   "\r\n";
        Transport.Write(Encoding.ASCII.GetBytes(head));
        Transport.Write(body);
        // HTTP/1.0: one request per connection. Lines still unread are dropped with it.
        Transport.LoseConnection();
    }
}
