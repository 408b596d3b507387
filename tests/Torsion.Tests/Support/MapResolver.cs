using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Support;

/// <summary>
/// A resolver for tests: names map to fixed addresses (::1, 127.0.0.1, with the port asked for or a port of
/// their own), answered on the calling loop's next pass as a real resolver would; a held name never answers.
/// It records what it was asked and what was cancelled.
/// </summary>
public sealed class MapResolver : IHostnameResolver
{
    private readonly ConcurrentDictionary<string, IPEndPoint[]> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _held = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _asked = new();
    private int _cancelled;

    /// <summary>Maps <paramref name="name"/> to <paramref name="addresses"/>, in that order; port 0 in one means the port asked for.</summary>
    public MapResolver Map(string name, params IPEndPoint[] addresses)
    {
        _names[name] = addresses;
        return this;
    }

    /// <summary>Makes <paramref name="name"/> a lookup that never answers (until cancelled).</summary>
    public MapResolver Hold(string name)
    {
        _held[name] = true;
        return this;
    }

    /// <summary>The names asked for, in order.</summary>
    public IReadOnlyList<string> Asked => _asked.ToArray();

    /// <summary>How many lookups were cancelled before they answered.</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>The reactor passed with the last lookup.</summary>
    public IReactor? LastReactor { get; private set; }

    /// <summary>Runs on the loop right after a lookup has answered (its callbacks have run by then).</summary>
    public Action<string>? Answered { get; set; }

    /// <inheritdoc />
    public Deferred<IReadOnlyList<IPEndPoint>> ResolveHostName(IReactor reactor, string hostName, int port = 0, AddressTypes addressTypes = AddressTypes.Any)
    {
        _asked.Enqueue(hostName);
        LastReactor = reactor;
        var result = new Deferred<IReadOnlyList<IPEndPoint>>(_ => Interlocked.Increment(ref _cancelled));
        if (_held.ContainsKey(hostName))
        {
            return result;
        }
        reactor.CallFromThread(() =>
        {
            if (result.Called)
            {
                return;
            }
            var answer = _names.TryGetValue(hostName, out var addresses)
                ? addresses.Where(a => (addressTypes & (a.AddressFamily == AddressFamily.InterNetworkV6 ? AddressTypes.IPv6 : AddressTypes.IPv4)) != 0)
                    .Select(a => a.Port == 0 ? new IPEndPoint(a.Address, port) : a).ToArray()
                : [];
            if (answer.Length == 0)
            {
                result.Errback(new DnsLookupError(hostName));
            }
            else
            {
                result.Callback(answer);
            }
            Answered?.Invoke(hostName);
        });
        return result;
    }
}
