using Torsion.Logging;

namespace Torsion.Tests.Logging;

/// <summary>An observer that throws while <see cref="Broken"/> is set and counts its calls.</summary>
internal sealed class ThrowingObserver : ILogObserver
{
    public bool Broken { get; set; } = true;

    public int Calls { get; private set; }

    public void Observe(LogEvent logEvent)
    {
        Calls++;
        if (Broken)
        {
            throw new InvalidOperationException("observer is broken");
        }
    }
}
