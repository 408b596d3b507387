namespace Torsion.TestSupport;

/// <summary>What the guards cost: the collections forced at the end of each test, so unhandled Deferred failures are reported to their test.</summary>
internal static class GuardStats
{
    private static long _tests;
    private static long _ticks;

    public static void Collected(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _tests);
        Interlocked.Add(ref _ticks, elapsed.Ticks);
    }

    public static string Summary()
    {
        var tests = Interlocked.Read(ref _tests);
        var total = TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
        return $"test guards: {tests} tests; the end-of-test GC took {total.TotalSeconds:0.0} s in total ({(tests == 0 ? 0 : total.TotalMilliseconds / tests):0.0} ms a test)";
    }
}
