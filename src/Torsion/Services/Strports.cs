using Torsion.Internet;

namespace Torsion.Services;

/// <summary>Services from endpoint description strings such as <c>tcp:8080:interface=127.0.0.1</c>.</summary>
public static class Strports
{
    /// <summary>A service that listens on the server endpoint <paramref name="description"/> names, with <paramref name="factory"/>.</summary>
    /// <exception cref="EndpointSyntaxException">The description does not parse.</exception>
    public static StreamServerEndpointService Service(IReactor reactor, string description, Factory factory) =>
        new(Endpoints.ServerFromString(reactor, description), factory);
}
