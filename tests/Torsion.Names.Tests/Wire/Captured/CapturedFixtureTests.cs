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

    [Fact]
    public void TheFixturesCoverEveryKindTheCaseListNames()
    {
        var fixtures = Directory.GetFiles(Folder, "*.bin").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        Assert.Equal(Names.Order(), fixtures);
    }
}
