namespace Torsion.Internet;

/// <summary>The three phases of a system event (Twisted's "before", "during", "after").</summary>
public enum TriggerPhase
{
    /// <summary>Runs first; a returned Deferred delays <see cref="During"/> until it fires.</summary>
    Before,
    /// <summary>The event itself.</summary>
    During,
    /// <summary>Runs last.</summary>
    After,
}
