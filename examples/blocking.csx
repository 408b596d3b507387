// blocking.csx: how to call blocking code (a slow library, a synchronous database driver) without
// freezing the server. Send a number, get its square two seconds later; meanwhile a clock keeps
// ticking every second, and the answer says how far it got.
//
//   torsiond -n -y examples/blocking.csx        (PORT=9001 torsiond ... for another port)
//   nc 127.0.0.1 8001                           then type 12
//
// Everything a reactor calls runs on its one thread, so code that blocks there stops every
// connection and timer. ReactorThreads.DeferToThread runs the blocking part on the reactor's thread
// pool and hands the result back on the reactor thread as a Deferred.

var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8001");

var application = new Application("blocking");

// A TimerService calls Tick every second while the application runs (a LoopingCall underneath).
var clock = new Ticker();
new TimerService(Reactor, 1.0, clock.Tick).SetServiceParent(application);

// Classes in a script cannot see `Reactor`, so the factory hands it to each protocol.
new TcpServer(Reactor, port, Factory.ForProtocol(() => new SlowSquarer(Reactor, clock)), interfaceAddress: "127.0.0.1")
    .SetServiceParent(application);

class Ticker
{
    private static readonly Logger Log = new("blocking");

    public int Count { get; private set; }

    public void Tick()
    {
        Count++;
        Log.Info("tick {count}", new { count = Count });
    }
}

class SlowSquarer : LineReceiver
{
    private readonly IReactor _reactor;
    private readonly Ticker _clock;

    public SlowSquarer(IReactor reactor, Ticker clock)
    {
        _reactor = reactor;
        _clock = clock;
        Delimiter = "\n"u8; // as nc sends lines; Trim() below drops telnet's "\r"
    }

    public override void LineReceived(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line).Trim();
        if (!long.TryParse(text, out var n))
        {
            SendLine("send a whole number");
            return;
        }
        var ticksBefore = _clock.Count;
        ReactorThreads.DeferToThread(_reactor, () => Square(n))
            // Back on the reactor thread: safe to touch the transport and the clock.
            .AddCallback(square => SendLine($"{n} squared is {square}; the clock ticked from {ticksBefore} to {_clock.Count} meanwhile"));
    }

    // Runs on a pool thread: it may block as long as it likes, but must not touch the transport.
    private static long Square(long n)
    {
        Thread.Sleep(TimeSpan.FromSeconds(2)); // stands in for the slow call
        return n * n;
    }
}
