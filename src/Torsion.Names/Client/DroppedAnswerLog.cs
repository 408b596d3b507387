using Torsion.Logging;

namespace Torsion.Names.Client;

/// <summary>
/// Tells of answers a resolver threw away (and of servers it could not send to) (a possible spoofing attempt, or a confused server) once per
/// kind, not once per packet, so a flood of forged answers cannot flood the log.
/// </summary>
internal sealed class DroppedAnswerLog
{
    private static readonly Logger Log = Logger.For<Resolver>();
    private readonly HashSet<string> _told = [];

    /// <summary>How many answers were dropped in all.</summary>
    public int Count { get; private set; }

    /// <summary>Counts a dropped answer and logs its kind the first time it is seen.</summary>
    public void Dropped(string kind, object from)
    {
        Count++;
        if (_told.Add(kind))
        {
            Log.Warn("Dropped a DNS answer from {from}: {kind} (further answers dropped for this reason are not logged)", ("from", from), ("kind", kind));
        }
    }

    /// <summary>Tells, once per server and kind of error, that a query could not be sent to it.</summary>
    public void SendFailed(object server, Exception error)
    {
        if (_told.Add($"send {server} {error.GetType().Name}"))
        {
            Log.Warn("Cannot send a DNS query to {server}: {error}", ("server", server), ("error", error.Message));
        }
    }
}
