// addreader.csx: the low-level way in. The script opens its own non-blocking UDP socket and asks
// the reactor to call DoRead whenever it is readable (Twisted's reactor.addReader). Each datagram
// is answered with "you sent: ..." to whoever sent it.
//
//   torsiond -n -y examples/addreader.csx       (PORT=9000 torsiond ... for another port)
//   echo hello | nc -u -w1 127.0.0.1 9999
//
// Only the readiness reactors (epoll, poll, select) let you register descriptors; the sockets
// reactor has no IReactorFDSet, as Twisted's IOCP reactor has no addReader.
using System.Net.Sockets;

var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "9999");
var fdSet = Reactor as IReactorFDSet
    ?? throw new NotSupportedException($"addreader.csx needs a reactor with AddReader (epoll, poll or select), not {Reactor.Name}.");

var application = new Application("addreader");
new UdpAnswerer(fdSet, port).SetServiceParent(application);

// A service that owns the socket: it binds and registers it when the application starts, and
// unregisters and closes it when it stops.
class UdpAnswerer(IReactorFDSet reactor, int port) : Service, IReadDescriptor
{
    private readonly byte[] _buffer = new byte[2048];
    private Socket? _socket;

    // The reactor watches this descriptor number (on Unix a Socket's Handle is its fd).
    public int FileDescriptor => (int)_socket!.Handle;

    public override void StartService()
    {
        base.StartService();
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        reactor.AddReader(this);
    }

    public override Deferred StopService()
    {
        reactor.RemoveReader(this);
        _socket?.Dispose();
        return base.StopService();
    }

    // Called on the reactor thread when a datagram is waiting. Only synchronous calls here: a
    // socket the reactor watches must never be given to the *Async methods, or the runtime's own
    // event loop would take it over.
    public Failure? DoRead()
    {
        EndPoint sender = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            var n = _socket!.ReceiveFrom(_buffer, ref sender);
            _socket.SendTo(Encoding.UTF8.GetBytes("you sent: " + Encoding.UTF8.GetString(_buffer, 0, n)), sender);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            // Someone else read it first; wait for the next one.
        }
        return null; // a Failure here would make the reactor drop the descriptor
    }

    public void ConnectionLost(Failure reason) => _socket?.Dispose();
}
