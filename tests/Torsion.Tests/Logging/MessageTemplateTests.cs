using System.Globalization;
using Torsion.Logging;

namespace Torsion.Tests.Logging;

public sealed class MessageTemplateTests
{
    private static string Render(string format, params (string, object?)[] fields) =>
        new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Info, "test", format, fields.ToDictionary(f => f.Item1, f => f.Item2)).FormatMessage();

    [Fact]
    public void SubstitutesNamedFields() =>
        Assert.Equal("Connection from 10.0.0.1 lost after 42 bytes", Render("Connection from {peer} lost after {bytes} bytes", ("peer", "10.0.0.1"), ("bytes", 42)));

    [Fact]
    public void DoubledBracesAreLiteral() =>
        Assert.Equal("{literal} and }", Render("{{literal}} and }}"));

    [Fact]
    public void MissingFieldRendersAsMarkerInsteadOfThrowing() =>
        Assert.Equal("x={MISSING: y}", Render("x={y}", ("x", 1)));

    [Fact]
    public void FormatSpecifierIsHonouredWithInvariantCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Assert.Equal("took 1.50s, 1,234 items", Render("took {elapsed:F2}s, {n:N0} items", ("elapsed", 1.5), ("n", 1234)));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void AlignmentPads() =>
        Assert.Equal("[   ab|cd   ]", Render("[{a,5}|{b,-5}]", ("a", "ab"), ("b", "cd")));

    [Fact]
    public void NullValueRendersAsNull() =>
        Assert.Equal("value=null", Render("value={v}", ("v", null)));

    [Fact]
    public void ThrowingToStringDoesNotEscape() =>
        Assert.Equal("v={UNFORMATTABLE: v: NotSupportedException}", Render("v={v}", ("v", new BadToString())));

    [Fact]
    public void UnterminatedHoleIsKeptLiterally() =>
        Assert.Equal("a {b", Render("a {b", ("b", 1)));

    [Fact]
    public void NoFormatRendersEmpty() =>
        Assert.Equal(string.Empty, new LogEvent(DateTimeOffset.UnixEpoch, LogLevel.Info, "t", null).FormatMessage());

    private sealed class BadToString
    {
        public override string ToString() => throw new NotSupportedException();
    }
}
