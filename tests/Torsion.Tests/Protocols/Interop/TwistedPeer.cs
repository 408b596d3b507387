using System.Diagnostics;
using Torsion.Internet;
using Torsion.Tests.Support;

namespace Torsion.Tests.Protocols.Interop;

/// <summary>
/// The Python Twisted peers of the interop tests (Debian's python3-twisted, run from the output
/// directory): starting them, skipping when Twisted is missing, and reading what they print.
/// </summary>
public static class TwistedPeer
{
    /// <summary>Debian's interpreter, where python3-twisted installs (not a pyenv or venv one).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> SkipReason = new(FindSkipReason);

    /// <summary>Starts <c>python3 -u SCRIPT ARGS</c>, skipping the test if Twisted is not installed.</summary>
    public static ChildProcess Start(string script, params string[] args)
    {
        Require();
        return ChildProcess.Start(Python, ["-u", Path.Combine(AppContext.BaseDirectory, "Protocols", "Interop", script), .. args]);
    }

    /// <summary>Skips the test, with the package to install, when python3-twisted is missing.</summary>
    public static void Require()
    {
        if (SkipReason.Value is { } reason) Assert.Skip(reason);
    }

    /// <summary>Reads the peer's "port N" line.</summary>
    public static int WaitForPort(ChildProcess peer) =>
        int.Parse(peer.WaitForLine(l => l.StartsWith("port ", StringComparison.Ordinal))[5..]);

    /// <summary>
    /// The payloads of an exited peer's "got HEX" lines, up to its "done"; its output is all there,
    /// so a missing "done" fails at once with everything it printed.
    /// </summary>
    public static List<string> ReadUntilDone(ChildProcess peer)
    {
        var got = new List<string>();
        while (true)
        {
            var line = peer.WaitForLine(l => l == "done" || l.StartsWith("got", StringComparison.Ordinal), timeoutSeconds: 60);
            if (line == "done") return got;
            got.Add(line.Length > 4 ? line[4..] : "");
        }
    }

    /// <summary>
    /// Stops the reactor as soon as the peer exits: a peer that dies (bad script, refused
    /// connection) would otherwise leave the loop waiting for the watchdog.
    /// </summary>
    public static void StopIfExits(IReactor reactor, ChildProcess peer)
    {
        reactor.CallLater(0.05, () =>
        {
            if (peer.HasExited) reactor.Stop();
            else StopIfExits(reactor, peer);
        });
    }

    /// <summary>Writes one hex-encoded message a line to a temp file, the peers' message file format.</summary>
    public static string WriteMessages(IEnumerable<byte[]> messages)
    {
        var path = Path.Combine(Path.GetTempPath(), $"torsion-interop-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, string.Concat(messages.Select(m => Convert.ToHexStringLower(m) + "\n")));
        return path;
    }

    private static string? FindSkipReason()
    {
        const string install = "python3-twisted is not installed: apt-get install python3-twisted";
        if (!File.Exists(Python)) return install + $" ({Python} is missing)";
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        // TLS needs pyOpenSSL and service_identity too, which python3-twisted recommends.
        info.ArgumentList.Add("import twisted, OpenSSL, service_identity");
        using var probe = Process.Start(info)!;
        probe.StandardError.ReadToEnd();
        if (!probe.WaitForExit(TimeSpan.FromSeconds(30))) return install + " (the import check did not finish)";
        return probe.ExitCode == 0 ? null : install + " python3-openssl python3-service-identity";
    }
}
