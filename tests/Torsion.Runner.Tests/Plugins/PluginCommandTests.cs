using Torsion.Examples.Poetry;
using Torsion.Runner.Plugins;
using Torsion.Testing;
using Torsion.Plugins;

namespace Torsion.Runner.Tests.Plugins;

/// <summary>A plugin as a System.CommandLine command, and its raw argument list parsed on its own.</summary>
public sealed class PluginCommandTests
{
    [Fact]
    public void BuildNamesTheCommandAfterThePluginWithItsOptions()
    {
        var maker = new PoetryServiceMaker();

        var command = PluginCommand.Build(maker);

        Assert.Equal("poetry", command.Name);
        Assert.Equal(maker.Description, command.Description);
        Assert.Equal(["--listen", "--poem", "--num-bytes", "--delay"], command.Options.Select(o => o.Name));
    }

    [Fact]
    public void ThePluginsOptionsWorkInEveryCommandBuiltFromIt()
    {
        var maker = new TestGreeterPlugin();
        var first = PluginCommand.Build(maker);
        var second = PluginCommand.Build(maker);

        Assert.Equal("one", first.Parse(["--greeting", "one"]).GetValue<string>("--greeting"));
        Assert.Equal("two", second.Parse(["--greeting", "two"]).GetValue<string>("--greeting"));
        Assert.Equal("three", PluginCommand.MakeService(maker, ["--greeting", "three"], new MemoryReactor()).Name);
        Assert.Equal("hello", PluginCommand.MakeService(maker, [], new MemoryReactor()).Name);
    }

    [Fact]
    public void ParseReadsAnArgumentListOnItsOwn()
    {
        var result = PluginCommand.Parse(new PoetryServiceMaker(), ["--listen", "tcp:10001", "--poem", "a.txt", "--delay", "0.5"]);

        Assert.Empty(result.Errors);
        Assert.Null(result.Action);
        Assert.Equal(["tcp:10001"], result.GetValue<string[]>("--listen")!);
        Assert.Equal(0.5, result.GetValue<double?>("--delay"));
    }

    [Fact]
    public void AFirstArgumentEqualToThePluginsNameIsAnArgumentNotTheCommand()
    {
        var result = PluginCommand.Parse(new PoetryServiceMaker(), ["poetry", "--poem", "a.txt"]);

        Assert.Contains(result.Errors, e => e.Message.Contains("'poetry'"));
    }

    [Fact]
    public void AskingForHelpIsAnActionNotAnErrorAndBuildsNoService()
    {
        var maker = new PoetryServiceMaker();

        var result = PluginCommand.Parse(maker, ["--help"]);

        Assert.Empty(result.Errors);
        Assert.NotNull(result.Action);
        var e = Assert.Throws<PluginOptionsException>(() => PluginCommand.MakeService(maker, ["--help"], new MemoryReactor()));
        Assert.Contains("help", e.Message);
    }

    [Fact]
    public void MakeServiceReportsEveryParseErrorOnALineOfItsOwn()
    {
        var e = Assert.Throws<PluginOptionsException>(() =>
            PluginCommand.MakeService(new PoetryServiceMaker(), ["--poem", "a.txt", "--num-bytes", "0", "--delay", "-1"], new MemoryReactor()));

        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.Contains("--num-bytes"));
        Assert.Contains(lines, l => l.Contains("--delay"));
    }
}
