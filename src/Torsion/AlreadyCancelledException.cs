namespace Torsion;

/// <summary>Thrown when a delayed call that was cancelled is cancelled, reset or delayed again.</summary>
public sealed class AlreadyCancelledException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AlreadyCancelledException() : base("The delayed call was already cancelled.") { }
}
