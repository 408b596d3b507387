// The echo server from the README: every byte a client sends comes straight back.
// Usage: dotnet run --project examples/EchoServer -- [PORT] [--reactor NAME]
using System.Net;
using Torsion.Internet;

var port = args.Length > 0 && int.TryParse(args[0], out var p) ? p : 8000;
var reactorName = args.SkipWhile(a => a != "--reactor").Skip(1).FirstOrDefault();

var reactor = Reactors.Create(reactorName);
var listening = reactor.ListenTcp(port, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1");
Console.WriteLine($"Echo server ({reactor.Name} reactor) on {listening.GetHost()}; Ctrl-C stops it.");
reactor.Run();

/// <summary>Writes back whatever it receives.</summary>
sealed class Echo : Protocol
{
    public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
}
