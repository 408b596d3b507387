namespace Torsion.Internet;

/// <summary>Identifies a registered system event trigger, for removal.</summary>
/// <param name="Phase">The phase it was registered in.</param>
/// <param name="EventType">The event it belongs to.</param>
/// <param name="Sequence">A number unique within its reactor.</param>
public readonly record struct TriggerId(TriggerPhase Phase, string EventType, long Sequence);
