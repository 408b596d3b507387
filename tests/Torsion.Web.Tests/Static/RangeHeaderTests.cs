using Torsion.Web.Static;

namespace Torsion.Web.Tests.Static;

/// <summary>The Range header parser against RFC 9110 §14.1-14.2's forms.</summary>
public sealed class RangeHeaderTests
{
    [Theory]
    [InlineData("bytes=0-9", 100, "0-9")]
    [InlineData("bytes=90-", 100, "90-99")]
    [InlineData("bytes=-10", 100, "90-99")]
    [InlineData("bytes=-1000", 100, "0-99")]
    [InlineData("bytes=95-1000", 100, "95-99")]
    [InlineData("bytes=0-9,20-29", 100, "0-9,20-29")]
    [InlineData("bytes=20-29, 0-9", 100, "0-9,20-29")]
    [InlineData("bytes=0-9,5-14", 100, "0-14")]
    [InlineData("bytes=0-9,10-19", 100, "0-19")]
    [InlineData("bytes=0-9,200-300", 100, "0-9")]
    [InlineData("BYTES=0-0", 100, "0-0")]
    [InlineData("bytes=0-99999999999999999999999", 100, "0-99")]
    public void Satisfiable(string header, long length, string expected)
    {
        Assert.Equal(RangeHeaderOutcome("Partial"), RangeHeader.Parse(header, length, out var ranges));
        Assert.Equal(expected, string.Join(",", ranges.Select(r => $"{r.First}-{r.Last}")));
    }

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=200-300", 100)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=0-", 0)]
    [InlineData("bytes=99999999999999999999999-", 100)]
    public void Unsatisfiable(string header, long length) =>
        Assert.Equal(RangeHeader.Outcome.Unsatisfiable, RangeHeader.Parse(header, length, out _));

    [Theory]
    [InlineData("items=0-9")]
    [InlineData("bytes=9-0")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=0x1-2")]
    [InlineData("bytes=+1-2")]
    [InlineData("bytes=1")]
    [InlineData("bytes=")]
    [InlineData("bytes=,")]
    [InlineData("0-9")]
    public void InvalidIsIgnored(string header) =>
        Assert.Equal(RangeHeader.Outcome.Ignore, RangeHeader.Parse(header, 100, out _));

    [Fact]
    public void TooManyRangesAreIgnored()
    {
        var header = "bytes=" + string.Join(",", Enumerable.Range(0, 101).Select(i => $"{i * 2}-{i * 2}"));
        Assert.Equal(RangeHeader.Outcome.Ignore, RangeHeader.Parse(header, 1000, out _));
    }

    private static RangeHeader.Outcome RangeHeaderOutcome(string name) => Enum.Parse<RangeHeader.Outcome>(name);
}
