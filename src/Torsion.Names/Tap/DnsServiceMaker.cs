using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using Torsion.Internet;
using Torsion.Names.Server;
using Torsion.Names.Wire;
using Torsion.Plugins;
using Torsion.Services;

namespace Torsion.Names.Tap;

/// <summary>
/// The <c>dns</c> plugin (twistd dns): <c>torsiond -n dns --interface ADDR --port N --bindzone FILE
/// [--bindzone FILE...] [--resolv-conf F] [--hosts-file F] [--cache] [--recursive] [--verbose]</c>
/// serves the zone files over UDP and TCP with twistd's option names, and Torsion's own
/// <c>--allow-transfer NETWORK</c> for AXFR.
/// </summary>
public sealed class DnsServiceMaker : IServiceMaker
{
    /// <summary>twistd dns's default port.</summary>
    public const int DefaultPort = 53;

    private readonly IDnsResolverFactory _resolvers;
    private readonly Dictionary<string, ZoneAuthority> _loaded = new(StringComparer.Ordinal);

    private readonly Option<string> _interface = new("--interface", "-i")
    {
        Description = "The address to listen on (default: every IPv4 address; :: for every IPv6 address).",
        HelpName = "ADDRESS",
        DefaultValueFactory = _ => "",
    };

    private readonly Option<int> _port = new("--port", "-p")
    {
        Description = $"The UDP and TCP port to listen on (default {DefaultPort}).",
        HelpName = "PORT",
        DefaultValueFactory = _ => DefaultPort,
        CustomParser = ParsePort,
    };

    private readonly Option<string[]> _bindzone = new("--bindzone")
    {
        Description = "A BIND zone file to serve with authority; repeat for several zones. Relative names before any $ORIGIN are relative to the file's name (example.com.zone, db.example.com and example.com mean example.com).",
        HelpName = "FILE",
    };

    private readonly Option<string?> _resolvConf = new("--resolv-conf")
    {
        Description = "Forward recursive queries to the servers in this resolv.conf (implies --recursive).",
        HelpName = "FILE",
    };

    private readonly Option<string?> _hostsFile = new("--hosts-file")
    {
        Description = "Answer recursive queries from this hosts file before the network.",
        HelpName = "FILE",
    };

    private readonly Option<bool> _cache = new("--cache", "-c") { Description = "Cache the answers of recursive queries." };

    private readonly Option<bool> _recursive = new("--recursive", "-r") { Description = "Answer queries for names outside the zones by asking the system's name servers (when RD is set)." };

    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Log every query and its answer." };

    private readonly Option<string[]> _allowTransfer = new("--allow-transfer")
    {
        Description = "Allow zone transfers (AXFR over TCP) to this address or network (127.0.0.1, 10.0.0.0/8, ::1); repeatable. Without it every transfer is refused.",
        HelpName = "NETWORK",
    };

    /// <summary>A maker whose <c>--cache</c>, <c>--hosts-file</c> and <c>--recursive</c> use Torsion.Names.Client (<c>CacheResolver</c>, <c>HostsResolver</c>, <c>Resolver</c>).</summary>
    public DnsServiceMaker() => _resolvers = ClientResolverFactory.Instance;

    /// <summary>A maker whose non-authoritative resolvers come from <paramref name="resolvers"/>.</summary>
    public DnsServiceMaker(IDnsResolverFactory resolvers) => _resolvers = resolvers ?? throw new ArgumentNullException(nameof(resolvers));

    /// <inheritdoc/>
    public string Name => "dns";

    /// <inheritdoc/>
    public string Description => "A domain name server: BIND zone files with authority, over UDP and TCP (twistd dns).";

    /// <inheritdoc/>
    public void ConfigureOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { _interface, _port, _bindzone, _resolvConf, _hostsFile, _cache, _recursive, _verbose, _allowTransfer })
        {
            command.Options.Add(option);
        }
        _bindzone.AcceptLegalFilePathsOnly();
        // Zone files are read while the command line is checked, so a bad one is a usage error (exit
        // 2) naming the file and line, before anything starts.
        command.Validators.Add(result =>
        {
            foreach (var file in result.GetValue(_bindzone) ?? [])
            {
                try
                {
                    Load(file);
                }
                catch (ZoneFileException e)
                {
                    result.AddError($"--bindzone {file}: {e.Message}");
                }
            }
        });
        _allowTransfer.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!TryNetwork(token.Value, out _)) result.AddError($"--allow-transfer {token.Value}: not an address or network (such as 127.0.0.1 or 10.0.0.0/8).");
            }
        });
    }

    /// <inheritdoc/>
    /// <remarks>Reads every zone file now, so a bad one stops torsiond before it starts, naming the file and line.</remarks>
    public IService MakeService(ParseResult options, IReactor reactor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reactor);
        var zones = new List<ZoneAuthority>();
        foreach (var file in options.GetValue(_bindzone) ?? [])
        {
            try
            {
                zones.Add(Load(file));
            }
            catch (ZoneFileException e)
            {
                throw new PluginOptionsException($"--bindzone {file}: {e.Message}", e);
            }
        }
        var duplicate = zones.GroupBy(z => z.Apex).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new PluginOptionsException($"--bindzone: two files hold the zone {duplicate.Key}.");

        var caches = new List<IDnsCache>();
        var clients = new List<IResolver>();
        var resolvConf = options.GetValue(_resolvConf);
        var hostsFile = options.GetValue(_hostsFile);
        var recursive = options.GetValue(_recursive) || resolvConf is not null;
        if (NeedsResolvers(options))
        {
            var factory = _resolvers;
            RequireFile(resolvConf, "--resolv-conf");
            RequireFile(hostsFile, "--hosts-file");
            if (options.GetValue(_cache)) caches.Add(factory.CreateCache(reactor));
            if (hostsFile is not null) clients.Add(factory.CreateHostsResolver(hostsFile, reactor));
            if (recursive) clients.Add(factory.CreateClient(resolvConf, reactor));
        }

        var server = new DnsServerFactory(zones, caches, clients, reactor) { Verbose = options.GetValue(_verbose) ? 1 : 0 };
        foreach (var text in options.GetValue(_allowTransfer) ?? [])
        {
            TryNetwork(text, out var network);
            server.TransferAllowed.Add(network);
        }
        var port = options.GetValue(_port);
        var address = options.GetValue(_interface) ?? "";
        if (address.Length > 0 && !IPAddress.TryParse(address, out _)) throw new PluginOptionsException($"--interface {address}: not an IP address.");
        var service = new MultiService();
        new UdpServer(reactor, port, new DnsDatagramProtocol(server), address, maxPacketSize: DnsMessage.MaxLength).SetServiceParent(service);
        new TcpServer(reactor, port, server, interfaceAddress: address).SetServiceParent(service);
        return service;
    }

    /// <summary>
    /// The origin for a zone file's relative names before its <c>$ORIGIN</c> (twistd's BindAuthority
    /// takes the file's name): the base name without a <c>.zone</c>, <c>.db</c> or <c>.txt</c> suffix or a
    /// <c>db.</c> prefix, when that is a name; the root otherwise.
    /// </summary>
    public static DnsName OriginFromFileName(string path)
    {
        var name = Path.GetFileName(path ?? throw new ArgumentNullException(nameof(path)));
        foreach (var suffix in (string[])[".zone", ".db", ".txt"])
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) name = name[..^suffix.Length];
        }
        if (name.StartsWith("db.", StringComparison.OrdinalIgnoreCase)) name = name[3..];
        try
        {
            return name.Length == 0 ? DnsName.Root : DnsName.Parse(name);
        }
        catch (DnsFormatException)
        {
            return DnsName.Root;
        }
    }

    private bool NeedsResolvers(ParseResult options) =>
        options.GetValue(_cache) || options.GetValue(_recursive) || options.GetValue(_hostsFile) is not null || options.GetValue(_resolvConf) is not null;

    // A file read by the validator is not read again by MakeService in the same process.
    private ZoneAuthority Load(string file)
    {
        var full = Path.GetFullPath(file);
        lock (_loaded)
        {
            if (_loaded.TryGetValue(full, out var zone)) return zone;
        }
        var loaded = ZoneAuthority.FromFile(file, OriginFromFileName(file));
        lock (_loaded) _loaded[full] = loaded;
        return loaded;
    }

    private static void RequireFile(string? path, string option)
    {
        if (path is not null && !File.Exists(path)) throw new PluginOptionsException($"{option} {path}: no such file.");
    }

    private static bool TryNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network)) return true;
        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }

    private static int ParsePort(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            result.AddError($"--port must be a port number from 0 to 65535, not '{text}'.");
            return 0;
        }
        return port;
    }
}
