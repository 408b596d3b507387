using Torsion.Names.Tests.Client;

namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>BIND 9 and Knot serving <see cref="CapturedZone"/>, each started the first time a test asks and killed when the class is done.</summary>
public sealed class CapturedPeers : IDisposable
{
    private readonly Dictionary<string, PeerDnsServer> _started = [];

    internal PeerDnsServer Get(string kind)
    {
        lock (_started)
        {
            if (!_started.TryGetValue(kind, out var server))
            {
                _started[kind] = server = PeerDnsServer.Start(kind, CapturedZone.Zones);
            }
            return server;
        }
    }

    public void Dispose()
    {
        lock (_started)
        {
            foreach (var server in _started.Values) server.Dispose();
            _started.Clear();
        }
    }
}
