using System.Globalization;
using System.Net;

namespace Torsion.Names.Client;

/// <summary>
/// What <c>/etc/resolv.conf</c> says (resolv.conf(5)): the name servers, the search list and the options
/// <c>ndots</c>, <c>timeout</c>, <c>attempts</c> and <c>rotate</c>, with glibc's defaults for what it leaves
/// out (127.0.0.1 when no name server is listed, ndots 1, timeout 5 s, attempts 2).
/// </summary>
/// <remarks>
/// Parsing never fails: as in glibc, a line or option it does not understand is skipped. A
/// <c>nameserver</c> may carry a port (<c>1.2.3.4:5353</c>, <c>[::1]:5353</c>), an extension glibc does not
/// have (it skips such a line), for test servers on other ports; an IPv6 zone (<c>fe80::1%2</c>) is kept.
/// <c>domain</c> and <c>search</c> replace each other, the last one winning.
/// </remarks>
public sealed class ResolvConf
{
    /// <summary>The DNS port, 53.</summary>
    public const int DnsPort = 53;

    // glibc's MAXNS, MAXDNSRCH, RES_MAXNDOTS, RES_MAXRETRANS, RES_MAXRETRY.
    private const int MaxServers = 3;
    private const int MaxSearch = 6;
    private const int MaxNdots = 15;
    private const int MaxTimeout = 30;
    private const int MaxAttempts = 5;

    private ResolvConf(IReadOnlyList<IPEndPoint> servers, IReadOnlyList<string> search, int ndots, TimeSpan timeout, int attempts, bool rotate)
    {
        Nameservers = servers;
        Search = search;
        Ndots = ndots;
        Timeout = timeout;
        Attempts = attempts;
        Rotate = rotate;
    }

    /// <summary>The system's file, <c>/etc/resolv.conf</c>.</summary>
    public const string SystemPath = "/etc/resolv.conf";

    /// <summary>The configuration of an empty file: 127.0.0.1 port 53, no search list, glibc's options.</summary>
    public static ResolvConf Default { get; } = Parse("");

    /// <summary>The name servers in the order listed (at most three, as glibc uses); 127.0.0.1:53 when none is.</summary>
    public IReadOnlyList<IPEndPoint> Nameservers { get; }

    /// <summary>The domains appended to a relative name, in order (<c>search</c>, or the one <c>domain</c>).</summary>
    public IReadOnlyList<string> Search { get; }

    /// <summary>How many dots a name needs to be tried as given before the search list (<c>options ndots:N</c>, default 1, at most 15).</summary>
    public int Ndots { get; }

    /// <summary>How long to wait for each server on each attempt (<c>options timeout:N</c>, default 5 s, at most 30).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How many rounds over the servers (<c>options attempts:N</c>, default 2, at most 5).</summary>
    public int Attempts { get; }

    /// <summary>Whether to start each query at the next server rather than always the first (<c>options rotate</c>).</summary>
    public bool Rotate { get; }

    /// <summary>
    /// The wait of each try, in order, as glibc makes them: <see cref="Attempts"/> rounds over the
    /// servers, <see cref="Timeout"/> each, so with two servers and the defaults four waits of 5 s.
    /// </summary>
    public IReadOnlyList<TimeSpan> Timeouts =>
        Enumerable.Repeat(Timeout, Attempts * Nameservers.Count).ToArray();

    /// <summary>The search rules this file sets (its search list and ndots).</summary>
    public DnsSearch SearchRules => new(Search, Ndots);

    /// <summary>
    /// Reads the file at <paramref name="path"/>; a file that does not exist gives <see cref="Default"/>,
    /// as it does for the C library.
    /// </summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file exists but cannot be read.</exception>
    public static ResolvConf Load(string path = SystemPath)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Default;
        }
        return Parse(text);
    }

    /// <summary>Parses the text of a resolv.conf file.</summary>
    public static ResolvConf Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var servers = new List<IPEndPoint>();
        IReadOnlyList<string> search = [];
        int ndots = 1, attempts = 2, timeout = 5;
        var rotate = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw;
            var comment = line.IndexOfAny(['#', ';']);
            if (comment >= 0)
            {
                line = line[..comment];
            }
            var words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2)
            {
                continue;
            }
            switch (words[0])
            {
                case "nameserver":
                    if (servers.Count < MaxServers && TryParseServer(words[1], out var server))
                    {
                        servers.Add(server);
                    }
                    break;
                case "domain":
                    search = [words[1].TrimEnd('.')];
                    break;
                case "search":
                    search = words.Skip(1).Select(w => w.TrimEnd('.')).Where(w => w.Length > 0).Take(MaxSearch).ToArray();
                    break;
                case "options":
                    foreach (var option in words.Skip(1))
                    {
                        if (option == "rotate")
                        {
                            rotate = true;
                        }
                        else if (TryOption(option, "ndots:", out var n))
                        {
                            ndots = Math.Min(n, MaxNdots);
                        }
                        else if (TryOption(option, "timeout:", out var t))
                        {
                            timeout = Math.Clamp(t, 1, MaxTimeout);
                        }
                        else if (TryOption(option, "attempts:", out var a))
                        {
                            attempts = Math.Clamp(a, 1, MaxAttempts);
                        }
                    }
                    break;
            }
        }
        if (servers.Count == 0)
        {
            servers.Add(new IPEndPoint(IPAddress.Loopback, DnsPort));
        }
        return new ResolvConf(servers, search, ndots, TimeSpan.FromSeconds(timeout), attempts, rotate);
    }

    /// <summary>
    /// Reads a server address: <c>1.2.3.4</c>, <c>1.2.3.4:53</c>, <c>::1</c>, <c>[::1]</c>,
    /// <c>[::1]:53</c> or <c>fe80::1%2</c>; the port is 53 unless given.
    /// </summary>
    public static bool TryParseServer(string text, out IPEndPoint server)
    {
        ArgumentNullException.ThrowIfNull(text);
        server = null!;
        string address;
        var port = DnsPort;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            address = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0 && (rest[0] != ':' || !TryPort(rest[1..], out port)))
            {
                return false;
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            // One colon is an IPv4 address with a port; IPv6 addresses have at least two.
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            address = text[..colon];
            if (!TryPort(text[(colon + 1)..], out port))
            {
                return false;
            }
        }
        else
        {
            address = text;
        }
        // IPAddress.TryParse also takes "1" or "0x7f000001"; a server is written in dotted or colon form.
        if ((!address.Contains('.') && !address.Contains(':')) || !IPAddress.TryParse(address, out var ip))
        {
            return false;
        }
        server = new IPEndPoint(ip, port);
        return true;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static bool TryOption(string option, string prefix, out int value)
    {
        value = 0;
        return option.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(option.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
