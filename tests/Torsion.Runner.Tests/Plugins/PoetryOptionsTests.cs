using System.Runtime.InteropServices;
using Torsion.Examples.Poetry;
using Torsion.Runner.Plugins;
using Torsion.Testing;
using Torsion.Plugins;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>The poetry plugin's options: what parses, what is refused, and with what message.</summary>
public sealed class PoetryOptionsTests
{
    private static readonly string Tyger = PluginFolders.Poem("tyger.txt");
    private static readonly string Sonnet = PluginFolders.Poem("sonnet18.txt");

    private static string ParseError(params string[] args)
    {
        var result = PluginCommand.Parse(new PoetryServiceMaker(), args);
        return Assert.Single(result.Errors).Message;
    }

    private static PoetryService Make(params string[] args) =>
        (PoetryService)PluginCommand.MakeService(new PoetryServiceMaker(), args, new MemoryReactor());

    private static string MakeError(params string[] args) =>
        Assert.Throws<PluginOptionsException>(() => Make(args)).Message;

    [Fact]
    public void ListenAndPoemMustComeInPairs()
    {
        var message = ParseError("--listen", "tcp:10000", "--listen", "tcp:10001", "--poem", Tyger);

        Assert.Contains("pairs", message);
        Assert.Contains("--listen was given 2 time(s) and --poem 1 time(s)", message);
    }

    [Fact]
    public void TwoPoemsNeedTwoListens()
    {
        Assert.Contains("--listen was given 0 time(s) and --poem 2 time(s)", ParseError("--poem", Tyger, "--poem", Sonnet));
    }

    [Fact]
    public void APoemIsRequired()
    {
        Assert.Contains("--poem", ParseError("--listen", "tcp:10000"));
    }

    [Theory]
    [InlineData("0", "--num-bytes must be at least 1, not 0.")]
    [InlineData("-3", "--num-bytes must be at least 1, not -3.")]
    [InlineData("ten", "--num-bytes must be a whole number of bytes, not 'ten'.")]
    public void NumBytesMustBeAPositiveWholeNumber(string value, string expected)
    {
        Assert.Equal(expected, ParseError("--poem", Tyger, "--num-bytes", value));
    }

    [Theory]
    [InlineData("-1", "--delay must be zero or more seconds, not -1.")]
    [InlineData("-0.5", "--delay must be zero or more seconds, not -0.5.")]
    [InlineData("soon", "--delay must be a number of seconds, not 'soon'.")]
    [InlineData("NaN", "--delay must be a number of seconds, not 'NaN'.")]
    public void DelayMustBeZeroOrMoreSeconds(string value, string expected)
    {
        Assert.Equal(expected, ParseError("--poem", Tyger, "--delay", value));
    }

    [Fact]
    public void AMissingPoemFileIsReportedByName()
    {
        var missing = Path.Combine(Path.GetTempPath(), "torsion-no-such-poem-" + Guid.NewGuid().ToString("N") + ".txt");

        var message = MakeError("--listen", "tcp:10000", "--poem", Tyger, "--listen", "tcp:10001", "--poem", missing);

        Assert.Equal($"--poem {missing}: cannot read the poem: no such file", message);
    }

    [Theory]
    [InlineData("tcp:notaport")]
    [InlineData("bogus:10000")]
    [InlineData("tcp:10000:interface=nowhere")]
    public void ABadListenDescriptionIsReportedWithTheDescription(string listen)
    {
        var message = MakeError("--listen", listen, "--poem", Tyger);

        Assert.StartsWith($"--listen {listen}: ", message);
    }

    [Fact]
    public void OnePoemWithoutListenIsServedOnTcp10000()
    {
        var service = Make("--poem", Tyger);

        var listener = Assert.Single(service.Listeners);
        Assert.Contains("10000", listener.Endpoint.ToString());
        Assert.Null(listener.Factory is PoetryFactory f ? f.Pace : throw new InvalidOperationException());
    }

    [Fact]
    public void EitherSlowOptionMakesASlowServerWithTheOtherDefaulted()
    {
        Assert.Null(Make("--poem", Tyger).Factories[0].Pace);

        var bytesOnly = Make("--poem", Tyger, "--num-bytes", "3").Factories[0].Pace!;
        Assert.Equal((3, PoemPace.DefaultDelay), (bytesOnly.NumBytes, bytesOnly.Delay));

        var delayOnly = Make("--poem", Tyger, "--delay", "0").Factories[0].Pace!;
        Assert.Equal((PoemPace.DefaultNumBytes, 0.0), (delayOnly.NumBytes, delayOnly.Delay));
    }

    [Fact]
    public void APoemServedOnTwoPortsIsReadOnceAndShared()
    {
        var service = Make("--listen", "tcp:10000", "--poem", Tyger, "--listen", "tcp:10001", "--poem", Tyger, "--listen", "tcp:10002", "--poem", Sonnet);

        var poems = service.Factories.Select(f => f.Poem).ToArray();
        Assert.True(MemoryMarshal.TryGetArray(poems[0], out var first));
        Assert.True(MemoryMarshal.TryGetArray(poems[1], out var second));
        Assert.True(MemoryMarshal.TryGetArray(poems[2], out var third));
        Assert.Same(first.Array, second.Array);
        Assert.NotSame(first.Array, third.Array);
        Assert.Equal(File.ReadAllBytes(Tyger), poems[0].ToArray());
    }
}
