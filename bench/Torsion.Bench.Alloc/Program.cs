// Torsion.Bench.Alloc [--reactor NAME|all] [--conns N] [--round-trips N] [--warmup N] [--self-check] [--meter]
// An echo server and echo clients on one reactor, over real loopback sockets: after a warm-up,
// counts the bytes allocated per 64-byte round trip (server read + write, client read + write)
// on the loop thread and in the whole process. Bounded: it gives up after 120 s. With --meter, a
// MeterListener enables every instrument of the Torsion meter (docs/metrics.md) and collects the
// observable ones every 100 ms from another thread, as dotnet-counters or an exporter would.
using System.Net;
using Torsion.Bench.Alloc;
using Torsion.Internet;

string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var which = Arg("--reactor", "all");
var conns = int.Parse(Arg("--conns", "16"));
var measured = int.Parse(Arg("--round-trips", "200000"));
var warmup = int.Parse(Arg("--warmup", "200000"));

Echo.CopyEachRead = args.Contains("--self-check");
using var listener = args.Contains("--meter") ? MeterOn.Start() : null;
var names = which == "all" ? Reactors.Available.Where(r => r.IsSupported).Select(r => r.Name).ToList() : [which];
var failed = false;
foreach (var name in names)
{
    var reactor = Reactors.Create(name);
    var meter = new Meter(warmup, measured, () => reactor.Stop());
    var port = reactor.ListenTcp(0, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
    var portNumber = ((IPEndPoint)port.GetHost()).Port;
    var clients = new ClientFactory(() => new PingClient(meter));
    for (var i = 0; i < conns; i++)
    {
        meter.ClientStarted();
        reactor.ConnectTcp("127.0.0.1", portNumber, clients);
    }
    reactor.CallLater(120, () =>
    {
        Console.Error.WriteLine($"{name}: gave up after 120 s");
        reactor.Stop();
    });
    reactor.Run();
    if (!meter.Done)
    {
        failed = true;
        Console.WriteLine($"{name,-8} did not finish");
        continue;
    }
    Console.WriteLine(
        $"{name,-8} {meter.LoopBytes / (double)meter.Measured,8:0.00} B/round trip on the loop thread, " +
        $"{meter.ProcessBytes / (double)meter.Measured,8:0.00} B process-wide " +
        $"({meter.LoopBytes:N0} / {meter.ProcessBytes:N0} B over {meter.Measured:N0} round trips of {Meter.MessageSize} B, " +
        $"{conns} connections; gen0 GCs: {meter.Gen0Collections})");
}
return failed ? 1 : 0;
