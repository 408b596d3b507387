// The seed's reverse lookup: read IP addresses from a file, start every PTR lookup at once, gather them
// with a DeferredList (consumeErrors), print each name, or the bare address when its lookup fails, and stop.
// Usage: dotnet run --project examples/ReverseLookup -- [--server ADDR:PORT] FILE
// One output line per input address, in input order: "ADDRESS NAME", or "ADDRESS" when there is no name.
using System.Net;
using Torsion.Defer;
using Torsion.Internet;
using Torsion.Names;
using Torsion.Names.Client;

string? server = null;
string? file = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--server" && i + 1 < args.Length)
    {
        server = args[++i];
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) || file is not null)
    {
        return Usage($"unexpected argument '{args[i]}'");
    }
    else
    {
        file = args[i];
    }
}
if (file is null)
{
    return Usage("no FILE of addresses given");
}
IPEndPoint? serverEndpoint = null;
if (server is not null && !ResolvConf.TryParseServer(server, out serverEndpoint))
{
    return Usage($"--server '{server}' is not ADDR or ADDR:PORT (an IPv6 address with a port goes in brackets: [::1]:53)");
}

// One address per line; blank lines and # comments are skipped.
var addresses = new List<(string Text, IPAddress Address)>();
try
{
    var lineNumber = 0;
    foreach (var raw in File.ReadLines(file))
    {
        lineNumber++;
        var line = raw.Split('#')[0].Trim();
        if (line.Length == 0)
        {
            continue;
        }
        if (!IPAddress.TryParse(line, out var address) || !(line.Contains('.') || line.Contains(':')))
        {
            Console.Error.WriteLine($"reverselookup: {file}:{lineNumber}: '{line}' is not an IP address");
            return 1;
        }
        addresses.Add((line, address));
    }
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"reverselookup: cannot read {file}: {e.Message}");
    return 1;
}

var reactor = Reactors.Create();
IResolver resolver = serverEndpoint is not null
    ? new Resolver(reactor, [serverEndpoint])
    : new Resolver(reactor, resolvConf: ResolvConf.Load());

reactor.CallWhenRunning(() =>
{
    var lookups = addresses.Select(a => resolver.LookupPointer(ReverseName.FromAddress(a.Address).ToString()));
    new DeferredList<DnsLookupResult>(lookups, consumeErrors: true).AddCallback(results =>
    {
        for (var i = 0; i < results.Count; i++)
        {
            var name = results[i].Success
                ? results[i].Value!.Answers.Select(r => r.Data).OfType<Torsion.Names.Wire.PtrRecord>().FirstOrDefault()?.Name.ToString()
                : null;
            Console.WriteLine(name is null ? addresses[i].Text : $"{addresses[i].Text} {name}");
        }
        reactor.Stop();
    });
});
reactor.Run();
return 0;

static int Usage(string problem)
{
    Console.Error.WriteLine($"reverselookup: {problem}");
    Console.Error.WriteLine("usage: ReverseLookup [--server ADDR:PORT] FILE");
    return 2;
}
