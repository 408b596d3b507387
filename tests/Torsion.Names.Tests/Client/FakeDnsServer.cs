using System.Net;
using Torsion.Internet;
using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Client;

/// <summary>
/// A DNS server written in the test, on the test's reactor: it records each query it gets and answers with
/// whatever <see cref="Respond"/> sends (through any port it likes, to test what the client accepts).
/// </summary>
internal sealed class FakeDnsServer : DatagramProtocol
{
    public List<DnsMessage> Queries { get; } = [];

    /// <summary>Called with each query, the asker's address and this server's port.</summary>
    public Action<DnsMessage, EndPoint, IUdpTransport>? Respond { get; set; }

    public IPEndPoint Endpoint => (IPEndPoint)Transport.GetHost();

    public static FakeDnsServer Listen(IReactor reactor)
    {
        var server = new FakeDnsServer();
        reactor.ListenUdp(0, server, "127.0.0.1");
        return server;
    }

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint from)
    {
        var query = DnsMessage.Parse(data);
        Queries.Add(query);
        Respond?.Invoke(query, from, Transport);
    }

    /// <summary>The answer to <paramref name="query"/>: its id and question, with these answers.</summary>
    public static DnsMessage Answer(DnsMessage query, params ResourceRecord[] answers) => new()
    {
        Id = query.Id,
        IsResponse = true,
        RecursionDesired = query.RecursionDesired,
        Queries = query.Queries,
        Answers = answers,
    };

    public static ResourceRecord A(DnsMessage query, string address, uint ttl = 60) =>
        new(query.Queries[0].Name, new ARecord(address), ttl);
}
