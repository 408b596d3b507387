using System.Diagnostics;
using Torsion.TestSupport;
using Torsion.Tests.Support;

namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// One <c>torsiond -n dns</c> process for a test class: a zone file holding every record type the
/// server knows, a large TXT set (for truncation), zone transfers allowed to 127.0.0.2 only (so dig
/// from 127.0.0.1 is refused and <c>dig -b 127.0.0.2</c> is not).
/// </summary>
public sealed class DnsServerProcess : IDisposable
{
    public const string Zone = """
        $ORIGIN example.com.
        $TTL 1h
        @         IN SOA ns1 hostmaster ( 2024010101 1d 2h 4w 1h )
                  IN NS  ns1
                  IN MX  10 mail
                  IN CAA 0 issue "letsencrypt.org"
        ns1       IN A   192.0.2.1
        mail      IN A   192.0.2.2
        www       IN A   192.0.2.3
                  IN AAAA 2001:db8::3
        alias     IN CNAME www
        dn        IN DNAME target.example.com.
        ptr       IN PTR www
        txt       IN TXT "hello \"world\"" "x\\y"
        _sip._tcp IN SRV 10 60 5060 sip
        sip       IN A   192.0.2.4
        naptr     IN NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .
        host      IN HINFO "PC-Intel" "Debian"
        unknown   IN TYPE65280 \# 4 0A000001
        """;

    private readonly ChildProcess _server;

    public DnsServerProcess()
    {
        Directory = Torsiond.Scratch();
        var big = string.Concat(Enumerable.Range(0, 40).Select(i => $"big IN TXT \"{i:D3} {new string('x', 60)}\"\n"));
        File.WriteAllText(Path.Combine(Directory, "example.com.zone"), Zone + "\n" + big);
        Port = Torsiond.FreePort();
        _server = Torsiond.Start(Directory, null, "-n", "-o", "dns", "--interface", "127.0.0.1", "-p", Port.ToString(),
            "--bindzone", "example.com.zone", "--allow-transfer", "127.0.0.2");
        _server.WaitForLine(l => l.Contains("Started", StringComparison.Ordinal));
    }

    public string Directory { get; }

    public int Port { get; }

    public string Output => _server.Output;

    /// <summary>Runs dig against the server with <paramref name="args"/>; its standard output.</summary>
    public string Dig(params string[] args) => new DigClient(Port).Dig(args);

    /// <summary>dig pointed at one loopback port.</summary>
    public sealed class DigClient(int port)
    {
        /// <summary>Runs dig against 127.0.0.1:port with <paramref name="args"/>; its standard output and error.</summary>
        public string Dig(params string[] args)
        {
            var dig = Peers.RequireProgram("dig", "dnsutils");
            var info = new ProcessStartInfo(dig) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "@127.0.0.1", "-p", port.ToString(), "+time=10", "+tries=2" }.Concat(args)) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill();
                throw new TimeoutException($"dig {string.Join(' ', args)} did not finish.");
            }
            return output.Result + error.Result;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_server.HasExited)
            {
                _server.Signal("TERM");
                _server.WaitForExit();
            }
        }
        finally
        {
            _server.Dispose();
        }
    }
}
