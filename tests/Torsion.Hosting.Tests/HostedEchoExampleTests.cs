using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Torsion.Hosting.Tests.Support;
using Torsion.Tests.Support;
using Torsion.TestSupport;

namespace Torsion.Hosting.Tests;

/// <summary>
/// examples/HostedEcho as a real process: configured from the environment, logging to the console through
/// Microsoft.Extensions.Logging, draining on SIGTERM, and under a (fake) systemd with UseSystemd's own detection.
/// </summary>
public sealed partial class HostedEchoExampleTests
{
    [GeneratedRegex(@"Echo listening on 127\.0\.0\.1:(\d+) \((\w+) reactor\)")]
    private static partial Regex ListeningLine();

    private static Dictionary<string, string> Environment(string reactor) => new()
    {
        ["Echo__Listen"] = "tcp:0:interface=127.0.0.1",
        ["TORSION_REACTOR"] = reactor,
        ["DOTNET_ENVIRONMENT"] = "Production",
    };

    [Theory]
    [InlineData("epoll")]
    [InlineData("sockets")]
    public async Task ServesEchoFromConfigurationLogsToTheConsoleAndDrainsOnSigterm(string reactor)
    {
        HostBackends.Require(reactor);
        using var server = ChildProcess.StartDotnet("HostedEcho", Environment(reactor));
        var line = server.WaitForLine(l => ListeningLine().IsMatch(l));
        var match = ListeningLine().Match(line);
        Assert.Equal(reactor, match.Groups[2].Value);
        var address = new IPEndPoint(IPAddress.Loopback, int.Parse(match.Groups[1].Value));
        using (var client = await Wire.ConnectAsync(address))
        {
            Assert.Equal("hello from a hosted echo", await Wire.RoundTripAsync(client, "hello from a hosted echo"));
        }
        // Torsion's own log reached the console through the bridge, under its namespace.
        // (Logged before the listening line, which the host writes once every hosted service has started.)
        Assert.Contains($"info: Torsion.Hosting.TorsionHostedService[0]\n      Torsion started torsion on the {reactor} reactor", server.Output, StringComparison.Ordinal);
        server.Signal("TERM");
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public async Task UnderAParentNamedSystemdItNotifiesReadyOnceListening()
    {
        var timeout = Peers.RequireProgram("timeout", "coreutils");
        using var notify = new NotifySocket();
        var dir = Directory.CreateTempSubdirectory("torsion-fake-systemd-").FullName;
        try
        {
            // SystemdHelpers recognises a systemd service by its parent's name: run the example under a copy of
            // coreutils' timeout named "systemd", which forks it, waits, and passes SIGTERM on to it.
            var fakeSystemd = Path.Combine(dir, "systemd");
            File.Copy(timeout, fakeSystemd);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fakeSystemd, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
            var info = new ProcessStartInfo(fakeSystemd);
            foreach (var (k, v) in Environment("epoll"))
            {
                info.Environment[k] = v;
            }
            info.Environment["NOTIFY_SOCKET"] = notify.Path;
            info.ArgumentList.Add("300");
            info.ArgumentList.Add("dotnet");
            info.ArgumentList.Add(ChildProcess.ProgramPath("HostedEcho"));
            using var server = ChildProcess.Start(info);

            var ready = await notify.ReceiveUntilAsync("READY=1");
            Assert.Contains("READY=1", ready.Split('\n'));
            // Under systemd the console logger writes systemd's format ("<6>category[0] message"), no ANSI colours.
            var line = server.WaitForLine(l => ListeningLine().IsMatch(l));
            Assert.StartsWith("<6>", line, StringComparison.Ordinal);
            var address = new IPEndPoint(IPAddress.Loopback, int.Parse(ListeningLine().Match(line).Groups[1].Value));
            using (var client = await Wire.ConnectAsync(address))
            {
                Assert.Equal("notified", await Wire.RoundTripAsync(client, "notified"));
            }
            server.Signal("TERM");
            Assert.Contains("STOPPING=1", (await notify.ReceiveUntilAsync("STOPPING=1")).Split('\n'));
            Assert.Equal(0, server.WaitForExit());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
