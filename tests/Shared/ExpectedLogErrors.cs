using Torsion.Logging;

namespace Torsion.TestSupport;

/// <summary>
/// Errors a test declared it expects (<see cref="LoggedErrors.Expect(string, Func{LogEvent, bool})"/>):
/// every matching event the test logs, until its end, is consumed here instead of failing it.
/// </summary>
public sealed class ExpectedLogErrors
{
    private readonly Func<LogEvent, bool> _match;
    private readonly Lock _lock = new();
    private readonly List<LogEvent> _events = [];

    internal ExpectedLogErrors(string description, Func<LogEvent, bool> match)
    {
        Description = description;
        _match = match;
    }

    /// <summary>What the test said it expects.</summary>
    public string Description { get; }

    /// <summary>The events consumed so far.</summary>
    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>How many events were consumed so far.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    internal bool TryConsume(LogEvent e)
    {
        if (!_match(e))
        {
            return false;
        }
        lock (_lock)
        {
            _events.Add(e);
        }
        return true;
    }

    public override string ToString() => $"{Description} ({Count} seen)";
}
