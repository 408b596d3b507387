using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire;

/// <summary>
/// Random and mutated packets, from fixed seeds so that a failure repeats: parsing either succeeds
/// or throws <see cref="DnsFormatException"/>, and what parses writes back to an equal message.
/// </summary>
public sealed class FuzzTests
{
    private const int Rounds = 4000;

    [Fact]
    public void MutatedValidMessagesParseOrFailCleanly()
    {
        var random = new Random(12);
        var seeds = Samples.Records.Select(r => Samples.Message(r).ToBytes()).Append(Samples.Everything().ToBytes()).ToArray();
        int parsed = 0, rejected = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var packet = Mutate(random, seeds[random.Next(seeds.Length)]);
            if (Check(packet)) parsed++;
            else rejected++;
        }
        // Both outcomes happen, or the mutations are not doing their job.
        Assert.True(parsed > Rounds / 20, $"{parsed} parsed");
        Assert.True(rejected > Rounds / 20, $"{rejected} rejected");
    }

    [Fact]
    public void RandomBytesParseOrFailCleanly()
    {
        var random = new Random(34);
        for (var i = 0; i < Rounds; i++)
        {
            var packet = new byte[random.Next(0, 300)];
            random.NextBytes(packet);
            // Small counts give the parser a chance to get past the header.
            if (packet.Length >= 12)
            {
                for (var c = 4; c < 12; c += 2)
                {
                    packet[c] = 0;
                    packet[c + 1] = (byte)random.Next(4);
                }
            }
            Check(packet);
        }
    }

    [Fact]
    public void RandomMessagesRoundTrip()
    {
        var random = new Random(56);
        for (var i = 0; i < Rounds / 4; i++)
        {
            ResourceRecord Pick() => Samples.Records[random.Next(Samples.Records.Length)] with { Ttl = (uint)random.Next() };
            var message = new DnsMessage
            {
                Id = (ushort)random.Next(65536),
                IsResponse = random.Next(2) == 0,
                RecursionDesired = random.Next(2) == 0,
                ResponseCode = (ResponseCode)random.Next(16),
                Queries = [new DnsQuery(RandomName(random), (RecordType)random.Next(1, 300))],
                Answers = [.. Enumerable.Range(0, random.Next(5)).Select(_ => Pick())],
                Authority = [.. Enumerable.Range(0, random.Next(3)).Select(_ => Pick() is var r ? new ResourceRecord(RandomName(random), r.Data, r.Ttl, r.Class) : null!)],
                Additional = [.. Enumerable.Range(0, random.Next(3)).Select(_ => Pick())],
                Edns = random.Next(2) == 0 ? null : new Edns { UdpPayloadSize = (ushort)random.Next(65536), DnssecOk = random.Next(2) == 0 },
            };
            Assert.Equal(message, DnsMessage.Parse(message.ToBytes()));
        }
    }

    private static DnsName RandomName(Random random)
    {
        var labels = Enumerable.Range(0, random.Next(0, 5)).Select(_ =>
        {
            var label = new byte[random.Next(1, 12)];
            for (var j = 0; j < label.Length; j++) label[j] = (byte)"abcABC-.\\0"[random.Next(10)];
            return label;
        });
        return DnsName.FromLabels(labels.Append(random.Next(2) == 0 ? "example"u8.ToArray() : "EXAMPLE"u8.ToArray()));
    }

    // True if the packet parsed (and then its rewrite parses to an equal message).
    private static bool Check(byte[] packet)
    {
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(packet);
        }
        catch (DnsFormatException)
        {
            return false;
        }
        // A parsed message always writes: no exception is acceptable here.
        var rewritten = message.ToBytes();
        Assert.Equal(message, DnsMessage.Parse(rewritten));
        return true;
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var packet = seed.ToList();
        for (var n = random.Next(1, 4); n > 0 && packet.Count > 0; n--)
        {
            var at = random.Next(packet.Count);
            switch (random.Next(6))
            {
                case 0: packet[at] = (byte)random.Next(256); break;
                case 1: packet[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: packet.RemoveRange(at, Math.Min(random.Next(1, 4), packet.Count - at)); break;
                case 3: packet.Insert(at, (byte)random.Next(256)); break;
                case 4: packet.RemoveRange(at, packet.Count - at); break;
                default: packet[at] = 0xC0; break;
            }
        }
        return [.. packet];
    }
}
