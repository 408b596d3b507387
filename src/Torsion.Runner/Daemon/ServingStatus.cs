using System.Net;
using System.Net.Sockets;
using Torsion.Services;

namespace Torsion.Runner.Daemon;

/// <summary>
/// The "serving on ..." line for systemd's STATUS=: the addresses the application's servers are
/// listening on, found by walking its service tree, so <c>systemctl status</c> says where to connect.
/// </summary>
internal static class ServingStatus
{
    /// <summary>"serving on tcp:127.0.0.1:8080, unix:/run/app.sock" or, with no servers found, "serving <paramref name="fallback"/>".</summary>
    public static string Describe(IService application, string fallback)
    {
        var addresses = new List<string>();
        Collect(application, addresses);
        return addresses.Count == 0 ? $"serving {fallback}" : "serving on " + string.Join(", ", addresses.Distinct());
    }

    private static void Collect(IService service, List<string> addresses)
    {
        switch (service)
        {
            case StreamServerEndpointService { Port: { } port }:
                addresses.Add(Format(port.GetHost(), "tcp"));
                break;
            case UdpServer { Transport: { } transport }:
                addresses.Add(Format(transport.GetHost(), "udp"));
                break;
        }
        if (service is IServiceCollection children)
        {
            foreach (var child in children.Services)
            {
                Collect(child, addresses);
            }
        }
    }

    private static string Format(EndPoint host, string ipKind) => host switch
    {
        IPEndPoint ip => $"{ipKind}:{ip}",
        UnixDomainSocketEndPoint unix => $"unix:{unix}",
        _ => host.ToString() ?? "?",
    };
}
