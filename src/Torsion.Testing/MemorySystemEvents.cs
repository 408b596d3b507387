using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>
/// The system event triggers of a <see cref="MemoryReactor"/>: before, during and after phases per
/// event name, run in registration order. When a before trigger returns a Deferred that has not
/// fired, the event is held, and <see cref="ResumeReady"/> (called by the reactor's Iterate) finishes
/// it once every such Deferred has fired.
/// </summary>
internal sealed class MemorySystemEvents
{
    private readonly List<(TriggerId Id, Func<Deferred?> Callable)> _triggers = new();
    private readonly List<(string EventType, List<Deferred> Waiting, Action? BeforeDuring)> _held = new();
    private readonly Action<Exception> _onError;
    private long _nextSequence;

    public MemorySystemEvents(Action<Exception> onError) => _onError = onError;

    public TriggerId Add(TriggerPhase phase, string eventType, Func<Deferred?> callable)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(callable);
        var id = new TriggerId(phase, eventType, _nextSequence++);
        _triggers.Add((id, callable));
        return id;
    }

    public void Remove(TriggerId id)
    {
        var index = _triggers.FindIndex(t => t.Id == id);
        if (index < 0)
        {
            throw new ArgumentException($"No system event trigger {id} is registered.", nameof(id));
        }
        _triggers.RemoveAt(index);
    }

    /// <summary>
    /// Fires <paramref name="eventType"/>. <paramref name="beforeDuring"/> is the reactor's own
    /// work, run at the start of the during phase (setting Running, for example).
    /// Returns true when the event completed, false when a before trigger's Deferred holds it.
    /// </summary>
    public bool Fire(string eventType, Action? beforeDuring = null)
    {
        var waiting = new List<Deferred>();
        foreach (var trigger in Snapshot(TriggerPhase.Before, eventType))
        {
            var result = Invoke(trigger);
            if (result is { Called: false })
            {
                waiting.Add(result);
            }
        }
        if (waiting.Count > 0)
        {
            _held.Add((eventType, waiting, beforeDuring));
            return false;
        }
        Finish(eventType, beforeDuring);
        return true;
    }

    /// <summary>Finishes each held event whose Deferreds have all fired, in the order they were held.</summary>
    // Polling Called keeps this independent of the Deferred's callback API; a test drives it by
    // firing the Deferred and then calling Iterate, the way a real reactor would notice on its next pass.
    public void ResumeReady()
    {
        for (var i = 0; i < _held.Count;)
        {
            var (eventType, waiting, beforeDuring) = _held[i];
            if (waiting.TrueForAll(d => d.Called))
            {
                _held.RemoveAt(i);
                Finish(eventType, beforeDuring);
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>True while an event of <paramref name="eventType"/> waits for before-trigger Deferreds.</summary>
    public bool IsHeld(string eventType) => _held.Exists(h => h.EventType == eventType);

    private void Finish(string eventType, Action? beforeDuring)
    {
        beforeDuring?.Invoke();
        foreach (var trigger in Snapshot(TriggerPhase.During, eventType))
        {
            Invoke(trigger);
        }
        foreach (var trigger in Snapshot(TriggerPhase.After, eventType))
        {
            Invoke(trigger);
        }
    }

    // A snapshot, so triggers added while a phase runs wait for the next firing, as in Twisted.
    private List<(TriggerId Id, Func<Deferred?> Callable)> Snapshot(TriggerPhase phase, string eventType) =>
        _triggers.Where(t => t.Id.Phase == phase && t.Id.EventType == eventType).ToList();

    private Deferred? Invoke((TriggerId Id, Func<Deferred?> Callable) trigger)
    {
        // A trigger removed by an earlier one in the same firing does not run.
        if (!_triggers.Exists(t => t.Id == trigger.Id))
        {
            return null;
        }
        try
        {
            return trigger.Callable();
        }
        catch (Exception e)
        {
            // As in Twisted, one failing trigger is reported and the event goes on.
            _onError(e);
            return null;
        }
    }
}
