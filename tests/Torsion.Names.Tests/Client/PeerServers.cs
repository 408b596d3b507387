namespace Torsion.Names.Tests.Client;

/// <summary>
/// The peer servers of a test class, each started the first time a test asks for it (a missing one
/// skips only the tests that need it) and killed when the class is done.
/// </summary>
public sealed class PeerServers : IDisposable
{
    private readonly Dictionary<string, PeerDnsServer> _started = [];

    internal PeerDnsServer Get(string kind)
    {
        lock (_started)
        {
            if (!_started.TryGetValue(kind, out var server))
            {
                _started[kind] = server = PeerDnsServer.Start(kind, TestZones.All);
            }
            return server;
        }
    }

    public void Dispose()
    {
        lock (_started)
        {
            foreach (var server in _started.Values)
            {
                server.Dispose();
            }
            _started.Clear();
        }
    }
}
