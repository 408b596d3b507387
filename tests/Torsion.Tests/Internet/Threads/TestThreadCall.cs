using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>A self-carrying thread call for the tests: runs <paramref name="action"/>; <see cref="N"/> tells calls apart.</summary>
internal sealed class TestThreadCall(Action action, int n) : ThreadCall
{
    public int N { get; } = n;

    internal override void RunCall() => action();
}
