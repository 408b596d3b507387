using Torsion.Names.Wire;

namespace Torsion.Names.Tests.Wire;

public sealed class DnsNameTests
{
    [Fact]
    public void EqualityAndHashIgnoreAsciiCaseOnly()
    {
        DnsName a = "WWW.Example.com", b = "www.example.COM.";
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("WWW.Example.com", a.ToString());
        Assert.NotEqual(DnsName.Parse(@"\200"), DnsName.Parse(@"\232")); // Latin-1 È/è are not ASCII: distinct
        Assert.NotEqual<DnsName>("example.com", "example.org");
        Assert.NotEqual<DnsName>("a.example.com", "example.com");
    }

    [Fact]
    public void RootForms()
    {
        Assert.True(DnsName.Parse("").IsRoot);
        Assert.True(DnsName.Parse(".").IsRoot);
        Assert.Equal(".", DnsName.Root.ToString());
        Assert.Equal(1, DnsName.Root.WireLength);
    }

    [Fact]
    public void EscapesRoundTripThroughPresentation()
    {
        var name = DnsName.FromLabels([[(byte)'a', (byte)'.', (byte)'b'], [0, 255, (byte)'\\', (byte)' '], "com"u8.ToArray()]);
        var text = name.ToString();
        Assert.Equal(@"a\.b.\000\255\\\032.com", text);
        var back = DnsName.Parse(text);
        Assert.Equal(name, back);
        Assert.Equal(3, back.LabelCount);
        Assert.Equal("a.b"u8.ToArray(), back.GetLabel(0).ToArray());
        Assert.Equal(DnsName.Parse(@"\a\b.com"), DnsName.Parse("ab.com"));
        Assert.Equal(1, DnsName.Parse(@"a\..").LabelCount);
        Assert.Equal(@"a\.", DnsName.Parse(@"a\..").ToString());
    }

    [Fact]
    public void LabelsParentAndSubdomains()
    {
        DnsName name = "www.Example.com";
        Assert.Equal(3, name.LabelCount);
        Assert.Equal(["www"u8.ToArray(), "Example"u8.ToArray(), "com"u8.ToArray()], name.Labels);
        Assert.Equal((DnsName)"example.com", name.Parent);
        Assert.True(name.IsSubdomainOf("EXAMPLE.com"));
        Assert.True(name.IsSubdomainOf(DnsName.Root));
        Assert.False(name.IsSubdomainOf("ample.com"));
        Assert.Throws<InvalidOperationException>(() => DnsName.Root.Parent);
    }

    [Fact]
    public void InternationalNamesUseIdna() =>
        Assert.Equal("xn--bcher-kva.example", DnsName.Parse("bücher.example").ToString());
}
