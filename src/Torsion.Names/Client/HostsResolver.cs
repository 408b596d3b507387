using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Names.Wire;

namespace Torsion.Names.Client;

/// <summary>
/// Answers from a hosts file (twisted.names' <c>hosts.Resolver</c>): A and AAAA for the names it lists
/// (aliases included, ignoring case), both for ANY, and PTR for the reverse names of its addresses.
/// Everything else, and a listed name without an address of the asked family, fails with
/// <see cref="DnsCacheMissException"/>: "not here", so a <see cref="ResolverChain"/> asks the next
/// resolver instead of taking it as NXDOMAIN.
/// </summary>
/// <remarks>
/// The file is read again when its modification time or length changes (checked at most once per
/// <see cref="RecheckInterval"/> of the clock, so a busy resolver does not stat it per query), and in any
/// case after <see cref="ReloadInterval"/>. A missing or unreadable file has no entries.
/// </remarks>
public sealed class HostsResolver : IResolver
{
    /// <summary>The system's file, <c>/etc/hosts</c>.</summary>
    public const string SystemPath = "/etc/hosts";

    private readonly string _path;
    private readonly IReactorTime _clock;
    private HostsFile _file = HostsFile.Empty;
    private DateTime _stamp = DateTime.MinValue;
    private long _length = -1;
    private double _checkedAt = double.NegativeInfinity;
    private double _loadedAt = double.NegativeInfinity;

    /// <summary>Answers from the file at <paramref name="path"/>, using <paramref name="clock"/> to decide when to look at it again.</summary>
    public HostsResolver(IReactorTime clock, string path = SystemPath)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(path);
        _clock = clock;
        _path = path;
    }

    /// <summary>The TTL of the records it answers with (Twisted's: one hour).</summary>
    public uint Ttl { get; init; } = 3600;

    /// <summary>How often the file's time and length are looked at; 1 s by default.</summary>
    public TimeSpan RecheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After how long the file is read again even if it looks unchanged; 5 minutes by default.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public Deferred<DnsLookupResult> Query(DnsQuery query, IReadOnlyList<TimeSpan>? timeouts = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var file = Current();
        var answers = new List<ResourceRecord>();
        if (query.Class is DnsClass.IN or DnsClass.ANY)
        {
            switch (query.Type)
            {
                case RecordType.A:
                case RecordType.AAAA:
                case RecordType.ANY:
                    foreach (var address in file.AddressesOf(query.Name))
                    {
                        if (address.AddressFamily == AddressFamily.InterNetwork && query.Type != RecordType.AAAA)
                        {
                            answers.Add(new ResourceRecord(query.Name, new ARecord(address), Ttl));
                        }
                        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && query.Type != RecordType.A)
                        {
                            answers.Add(new ResourceRecord(query.Name, new AaaaRecord(address), Ttl));
                        }
                    }
                    break;
                case RecordType.PTR:
                    if (ReverseName.TryGetAddress(query.Name, out var reversed) && file.NameOf(reversed) is { } name)
                    {
                        answers.Add(new ResourceRecord(query.Name, new PtrRecord(name), Ttl));
                    }
                    break;
            }
        }
        return answers.Count > 0
            ? Deferred.Succeed(new DnsLookupResult(answers, [], []))
            : Deferred.Fail<DnsLookupResult>(new DnsCacheMissException(query, message: $"{query.Name} {query.Type} is not in {_path}"));
    }

    private HostsFile Current()
    {
        var now = _clock.Seconds();
        if (now - _checkedAt < RecheckInterval.TotalSeconds)
        {
            return _file;
        }
        _checkedAt = now;
        try
        {
            var info = new FileInfo(_path);
            if (!info.Exists)
            {
                _file = HostsFile.Empty;
                _length = -1;
                return _file;
            }
            if (info.LastWriteTimeUtc != _stamp || info.Length != _length || now - _loadedAt >= ReloadInterval.TotalSeconds)
            {
                _file = HostsFile.Parse(File.ReadAllText(_path));
                _stamp = info.LastWriteTimeUtc;
                _length = info.Length;
                _loadedAt = now;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Keep what was read last: a file being replaced may be unreadable for an instant.
        }
        return _file;
    }
}
