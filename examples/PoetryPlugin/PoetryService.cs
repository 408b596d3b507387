using Torsion.Services;

namespace Torsion.Examples.Poetry;

/// <summary>The service the poetry plugin builds: one listener per <c>--listen</c>/<c>--poem</c> pair, started in the order given.</summary>
public sealed class PoetryService : MultiService
{
    private readonly List<StreamServerEndpointService> _listeners = [];

    internal PoetryService() => Name = "poetry";

    /// <summary>The listeners, in the order of the pairs on the command line; each one's <see cref="StreamServerEndpointService.Factory"/> is a <see cref="PoetryFactory"/>.</summary>
    public IReadOnlyList<StreamServerEndpointService> Listeners => _listeners;

    /// <summary>The factories, in the same order as <see cref="Listeners"/>.</summary>
    public IReadOnlyList<PoetryFactory> Factories => [.. _listeners.Select(l => (PoetryFactory)l.Factory)];

    /// <summary>Connections still being sent a poem, over all listeners (see <see cref="PoetryFactory.ActiveSenders"/>). Readable from any thread.</summary>
    public int ActiveSenders => Factories.Sum(f => f.ActiveSenders);

    internal void AddListener(StreamServerEndpointService listener)
    {
        _listeners.Add(listener);
        AddService(listener);
    }
}
