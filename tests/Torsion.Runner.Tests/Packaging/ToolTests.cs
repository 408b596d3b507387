using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Runner.Tests.EndToEnd;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.Packaging;

/// <summary>
/// torsiond as a user gets it: <c>dotnet tool install torsiond</c> from the packed folder into a tool path
/// of its own, then the installed command runs a script (which uses SQLite's native library from the
/// tool's layout), a built-in plugin, a plugin from TORSION_PLUGIN_PATH, and rejects a bad option.
/// </summary>
[Collection(nameof(PackagingCollection))]
public sealed class ToolTests(PackedRepository packed)
{
    private readonly string _cache = Path.Combine(packed.Work, "script-cache");

    [Fact]
    [Torsion.TestSupport.TimeLimit(900)] // a tool install, then four runs of the installed program
    public void InstalledToolRunsScriptsPluginsAndOptions()
    {
        var tools = Path.Combine(packed.Work, "tools");
        var (status, output) = DotnetCli.Run(packed.Work, 600, "tool", "install", "torsiond",
            "--tool-path", tools, "--add-source", packed.Packages, "--version", packed.Version);
        Assert.True(status == 0, output);
        var torsiond = Path.Combine(tools, "torsiond");
        Assert.True(File.Exists(torsiond), $"no {torsiond} after the install:\n{output}");

        // --version names this very package version; --help lists the built-in plugins.
        var version = Run(torsiond, null, "--version");
        Assert.Equal(0, version.Status);
        Assert.StartsWith($"torsiond {packed.Version} (Torsion {packed.Version}", version.Output);
        var help = Run(torsiond, null, "--help");
        Assert.Equal(0, help.Status);
        foreach (var word in new[] { "-y", "--nodaemon", "--pidfile", "--logfile", "web", "dns" })
        {
            Assert.Contains(word, help.Output);
        }

        // A bad option: a usage error naming it.
        var bad = Run(torsiond, null, "--no-such-option");
        Assert.NotEqual(0, bad.Status);
        Assert.Contains("--no-such-option", bad.Output);

        // -n -y app.csx: the script compiles against the tool's own assemblies and serves.
        var dir = Directory.CreateTempSubdirectory("torsiond-tool").FullName;
        var port = Torsiond.FreePort();
        var script = EchoScript(dir);
        using (var server = Start(torsiond, dir, new() { ["PORT"] = port.ToString() }, "-n", "-r", "poll", "--log-format", "json", "-y", script))
        {
            server.WaitForLine(l => l.Contains("sqlite says 42"));
            var started = server.WaitForLine(l => l.Contains("Started"));
            Assert.StartsWith("{", started); // --log-format json
            Assert.Contains("\"reactor\":\"poll\"", server.Output); // -r poll
            Assert.Equal("hello from a socket", Torsiond.Echo(port, "hello from a socket"));
            server.Signal("TERM");
            Assert.Equal(0, server.WaitForExit());
        }

        // Daemonized (the tool's launcher starts itself again as the daemon), then stopped by its pid file.
        port = Torsiond.FreePort();
        var pidFile = Path.Combine(dir, "daemon.pid");
        var daemon = Run(torsiond, new() { ["PORT"] = port.ToString() }, "--pidfile", pidFile, "-l", Path.Combine(dir, "daemon.log"), "-d", dir, "-y", script);
        Assert.True(daemon.Status == 0, daemon.Output);
        try
        {
            Assert.Equal("hello, daemon", Torsiond.Echo(port, "hello, daemon"));
        }
        finally
        {
            var stop = Run(torsiond, null, "stop", "--pidfile", pidFile);
            Assert.True(stop.Status == 0, stop.Output);
        }
        Assert.Contains("Started", File.ReadAllText(Path.Combine(dir, "daemon.log")));

        // torsiond web, a built-in plugin.
        port = Torsiond.FreePort();
        using (var web = Start(torsiond, dir, null, "-n", "--pidfile", "", "web", "--listen", $"tcp:{port}:interface=127.0.0.1"))
        {
            web.WaitForLine(l => l.Contains("Started"));
            var page = Get(port);
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", page);
            Assert.Contains("torsiond web", page);
            web.Signal("TERM");
            Assert.Equal(0, web.WaitForExit());
        }

        // A plugin of the user's own, found on TORSION_PLUGIN_PATH (the example poetry plugin's build).
        var plugins = new Dictionary<string, string> { ["TORSION_PLUGIN_PATH"] = Path.Combine(AppContext.BaseDirectory, "plugins", "poetry") };
        File.WriteAllText(Path.Combine(dir, "poem.txt"), "So much depends\nupon\na red wheel\nbarrow\n");
        port = Torsiond.FreePort();
        using (var poetry = Start(torsiond, dir, plugins, "-n", "--pidfile", "", "poetry", "--listen", $"tcp:{port}:interface=127.0.0.1", "--poem", "poem.txt"))
        {
            poetry.WaitForLine(l => l.Contains("Started"));
            Assert.Equal(File.ReadAllText(Path.Combine(dir, "poem.txt")), ReadAll(port));
            poetry.Signal("TERM");
            Assert.Equal(0, poetry.WaitForExit());
        }
    }

    private ProcessStartInfo Info(string program, string workDir, Dictionary<string, string>? environment, string[] args)
    {
        // As in Torsiond: signals ignored by whoever started the test run stay ignored across exec; env resets them.
        var info = new ProcessStartInfo("env") { WorkingDirectory = workDir };
        info.ArgumentList.Add("--default-signal=HUP,INT,QUIT,TERM,USR1,USR2");
        info.ArgumentList.Add(program);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        DotnetCli.Prepare(info);
        info.Environment["TORSION_CACHE_DIR"] = _cache;
        info.Environment.Remove("TORSION_PLUGIN_PATH");
        foreach (var (k, v) in environment ?? [])
        {
            info.Environment[k] = v;
        }
        return info;
    }

    private (int Status, string Output) Run(string program, Dictionary<string, string>? environment, params string[] args)
    {
        using var child = ChildProcess.Start(Info(program, packed.Work, environment, args));
        var status = child.WaitForExit(120);
        return (status, child.Output);
    }

    private ChildProcess Start(string program, string workDir, Dictionary<string, string>? environment, params string[] args) =>
        ChildProcess.Start(Info(program, workDir, environment, args));

    private static string EchoScript(string dir)
    {
        var path = Path.Combine(dir, "app.csx");
        File.WriteAllText(path, """
            // Echoes every byte back on 127.0.0.1:$PORT; first asks SQLite (a library torsiond carries) a sum.
            using Microsoft.Data.Sqlite;
            class Echo : Protocol
            {
                public override void DataReceived(ReadOnlySpan<byte> data) => Transport.Write(data);
            }
            using (var db = new SqliteConnection("Data Source=:memory:"))
            {
                db.Open();
                using var command = db.CreateCommand();
                command.CommandText = "select 40 + 2";
                Console.WriteLine($"sqlite says {command.ExecuteScalar()}");
            }
            var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "0");
            var application = new Application("echo");
            new TcpServer(Reactor, port, Factory.ForProtocol<Echo>(), interfaceAddress: "127.0.0.1").SetServiceParent(application);
            """);
        return path;
    }

    private static string Get(int port)
    {
        using var client = new TcpClient { ReceiveTimeout = 60_000 };
        client.Connect(IPAddress.Loopback, port);
        var stream = client.GetStream();
        stream.Write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"u8);
        using var all = new MemoryStream();
        stream.CopyTo(all);
        return Encoding.UTF8.GetString(all.ToArray());
    }

    private static string ReadAll(int port)
    {
        using var client = new TcpClient { ReceiveTimeout = 60_000 };
        client.Connect(IPAddress.Loopback, port);
        using var all = new MemoryStream();
        client.GetStream().CopyTo(all);
        return Encoding.UTF8.GetString(all.ToArray());
    }
}
