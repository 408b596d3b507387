using Torsion.Web.Http;

namespace Torsion.Web.Tests.Http;

/// <summary><see cref="Headers"/>: case-insensitive, ordered, multi-valued, and refusing injection.</summary>
public sealed class HeadersTests
{
    [Fact]
    public void NamesMatchWhateverTheirCaseAndKeepTheirSpelling()
    {
        var headers = new Headers { { "Content-Type", "text/plain" } };
        Assert.Equal("text/plain", headers.Get("content-type"));
        Assert.True(headers.Contains("CONTENT-TYPE"));
        Assert.Equal("Content-Type", headers.Single().Key);
    }

    [Fact]
    public void AddKeepsEveryValueInOrderAndSetReplacesThemAll()
    {
        var headers = new Headers { { "Set-Cookie", "a=1" }, { "X", "x" }, { "set-cookie", "b=2" } };
        Assert.Equal(["a=1", "b=2"], headers.GetAll("Set-Cookie"));
        headers.Set("SET-COOKIE", "c=3");
        Assert.Equal(["c=3"], headers.GetAll("set-cookie"));
        Assert.Equal(["SET-COOKIE", "X"], headers.Select(f => f.Key));
        headers.Set("X", ["1", "2"]);
        Assert.Equal(["1", "2"], headers.GetAll("x"));
        Assert.True(headers.Remove("x"));
        Assert.False(headers.Remove("x"));
        Assert.Empty(headers.GetAll("x"));
        Assert.Null(headers.Get("x"));
        Assert.Equal(1, headers.Count);
    }

    [Theory]
    [InlineData("evil\r\nSet-Cookie: x=1")]
    [InlineData("line\nfeed")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0byte")]
    [InlineData("del\u007F")]
    [InlineData("wide\u0100char")]
    public void AValueWithCrLfOrAControlCharacterIsRefusedAndNothingChanges(string value)
    {
        var headers = new Headers { { "Location", "/ok" } };
        Assert.Throws<ArgumentException>(() => headers.Add("X", value));
        Assert.Throws<ArgumentException>(() => headers.Set("Location", value));
        Assert.Throws<ArgumentException>(() => headers.Set("Location", ["/fine", value]));
        Assert.Equal(["/ok"], headers.GetAll("Location"));
        Assert.Equal(1, headers.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bad Name")]
    [InlineData("Colon:")]
    [InlineData("New\r\nLine")]
    public void ANameThatIsNotATokenIsRefused(string name) =>
        Assert.Throws<ArgumentException>(() => new Headers().Add(name, "v"));

    [Fact]
    public void TabsAndLatin1TextAreAllowedInValues()
    {
        var headers = new Headers { { "X", "a\tb caf\u00E9" } };
        Assert.Equal("a\tb caf\u00E9", headers.Get("x"));
    }
}
