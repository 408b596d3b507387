namespace Torsion.Tests.Internet;

/// <summary>A settable time source for driving a TimerQueue by hand.</summary>
internal sealed class ManualTime
{
    public double Now { get; set; }
}
