using System.Net;
using System.Net.Sockets;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>torsiond NAME: the poetry plugin found on TORSION_PLUGIN_PATH, its option errors, and the .tap it saves and starts from.</summary>
[Collection(nameof(TorsiondProcessCollection))]
public sealed class PluginTests
{
    private static Dictionary<string, string> PluginPath() =>
        new() { ["TORSION_PLUGIN_PATH"] = Path.Combine(AppContext.BaseDirectory, "plugins", "poetry") };

    private static string Poem(string dir, string name, string text)
    {
        File.WriteAllText(Path.Combine(dir, name), text);
        return name; // relative on purpose: resolved where torsiond was started
    }

    private static byte[] ReadAll(int port)
    {
        using var client = new TcpClient { ReceiveTimeout = 60_000 };
        client.Connect(IPAddress.Loopback, port);
        using var all = new MemoryStream();
        client.GetStream().CopyTo(all);
        return all.ToArray();
    }

    [Fact]
    public void HelpListsThePlugin()
    {
        var (status, output) = Torsiond.Run(Torsiond.Scratch(), PluginPath(), "--help");
        Assert.Equal(0, status);
        Assert.Contains("poetry", output);
    }

    [Fact]
    public void BadPluginOptionsAreUsageErrors()
    {
        var (status, output) = Torsiond.Run(Torsiond.Scratch(), PluginPath(), "-n", "poetry", "--listen", "tcp:1", "--listen", "tcp:2", "--poem", "a.txt");
        Assert.Equal(2, status);
        Assert.Contains("--listen", output);
    }

    [Fact]
    public void ServesTwoPoemsThenSavesATapAndStartsAgainFromIt()
    {
        var dir = Torsiond.Scratch();
        var first = Poem(dir, "first.txt", "Tyger Tyger, burning bright,\nIn the forests of the night;\n");
        var second = Poem(dir, "second.txt", "Shall I compare thee to a summer's day?\n");
        var p1 = Torsiond.FreePort();
        var p2 = Torsiond.FreePort();
        var runDir = Directory.CreateDirectory(Path.Combine(dir, "run")).FullName;
        using (var server = Torsiond.Start(dir, PluginPath(), "-n", "-d", runDir, "poetry",
            "--listen", $"tcp:{p1}:interface=127.0.0.1", "--poem", first, "--listen", $"tcp:{p2}:interface=127.0.0.1", "--poem", second))
        {
            server.WaitForLine(l => l.Contains("Started"));
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, first)), ReadAll(p1));
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, second)), ReadAll(p2));
            server.Signal("TERM");
            Assert.Equal(0, server.WaitForExit());
        }
        // Saved in the run directory, as readable JSON that records the plugin and its arguments.
        var tap = Path.Combine(runDir, "poetry-shutdown.tap");
        var text = File.ReadAllText(tap);
        Assert.Contains("\"plugin\": \"poetry\"", text);
        Assert.Contains("first.txt", text);

        // Started again from the tap, from another directory: the relative poem paths still resolve.
        var elsewhere = Torsiond.Scratch();
        using (var again = Torsiond.Start(elsewhere, PluginPath(), "-n", "-o", "-f", tap))
        {
            again.WaitForLine(l => l.Contains("Started"));
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, second)), ReadAll(p2));
            again.Signal("TERM");
            Assert.Equal(0, again.WaitForExit());
        }
        Assert.False(File.Exists(Path.Combine(elsewhere, "poetry-shutdown.tap"))); // -o: not saved
    }

    [Fact]
    public void AScriptIsNeverSaved()
    {
        var dir = Torsiond.Scratch();
        using var server = Torsiond.Start(dir, new Dictionary<string, string> { ["PORT"] = Torsiond.FreePort().ToString() }, "-n", "--pidfile", "", "-y", Torsiond.EchoScript(dir));
        server.WaitForLine(l => l.Contains("Started"));
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
        Assert.Empty(Directory.GetFiles(dir, "*.tap"));
    }
}
