using Xunit;

namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>
/// The committed answers captured from BIND 9 and Knot (<c>*.bin</c>, the raw datagram) parse exactly as dig
/// printed that same datagram when it was captured (<c>*.dig</c>), and survive write(parse(x)). No peer needed.
/// </summary>
public sealed class CapturedFixtureTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Wire", "Captured");

    private static IEnumerable<string> Names =>
        CapturedZone.Servers.SelectMany(server => CapturedZone.Questions.Select(q => $"{server}-{q.Case}"));

    public static TheoryData<string> Fixtures => [.. Names];

    [Theory, MemberData(nameof(Fixtures))]
    public void CapturedAnswerParsesAsDigPrintedIt(string fixture)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, fixture + ".bin"));
        var text = File.ReadAllText(Path.Combine(Folder, fixture + ".dig"));

        CapturedAnswer.AssertParsesAsDigSays(bytes, text);
    }

    [Theory, InlineData("bind-referral"), InlineData("knot-referral")]
    public void TheReferralWasCompressedAndStillParses(string fixture)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, fixture + ".bin"));
        var message = Torsion.Names.Wire.DnsMessage.Parse(bytes);

        // Spelled out in full, its names would take this many bytes; the server's compression saved some.
        var records = message.Authority.Concat(message.Additional).ToList();
        var uncompressed = 12 + message.Queries.Sum(q => q.Name.WireLength + 4) + records.Sum(r => r.Name.WireLength + 10 + r.Data switch
        {
            Torsion.Names.Wire.NsRecord ns => ns.Name.WireLength,
            Torsion.Names.Wire.ARecord => 4,
            var other => throw new InvalidDataException($"unexpected {other.Type} in a referral"),
        });
        Assert.Equal(2, message.Authority.Count);
        Assert.Equal(2, message.Additional.Count);
        Assert.True(bytes.Length < uncompressed - 40, $"{bytes.Length} bytes against {uncompressed} uncompressed");
    }

    [Fact]
    public void TheFixturesCoverEveryKindTheCaseListNames()
    {
        var fixtures = Directory.GetFiles(Folder, "*.bin").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        Assert.Equal(Names.Order(), fixtures);
    }
}
