namespace Torsion.TestSupport;

/// <summary>
/// Gives one test a longer limit than <see cref="TestWatchdog"/>'s default, for a test whose work is
/// long by nature (building the runner from scratch); say why next to it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TimeLimitAttribute(double seconds) : Attribute
{
    /// <summary>The test's limit.</summary>
    public TimeSpan Limit { get; } = TimeSpan.FromSeconds(seconds);
}
