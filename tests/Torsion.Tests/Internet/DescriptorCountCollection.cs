namespace Torsion.Tests.Internet;

/// <summary>
/// Tests that count this process's open descriptors run alone: any other test opening a socket at
/// the same time would change the count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DescriptorCountCollection
{
    public const string Name = "descriptor-count";

    /// <summary>
    /// How many sockets, epoll instances and eventfds this process has open now. Files are left out: the
    /// runtime maps assemblies as it loads them, which is not a leak.
    /// </summary>
    public static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Count(f =>
    {
        try
        {
            return new FileInfo(f).LinkTarget is { } target && (target.StartsWith("socket:") || target.StartsWith("anon_inode:"));
        }
        catch (IOException)
        {
            return false;
        }
    });

    /// <summary>What each open descriptor is (for a failure message).</summary>
    public static string Describe() => string.Join(", ", Directory.GetFiles("/proc/self/fd")
        .Select(f => { try { return Path.GetFileName(f) + "=" + new FileInfo(f).LinkTarget; } catch (IOException) { return Path.GetFileName(f); } }));

    /// <summary>
    /// Asserts the open-descriptor count comes back to <paramref name="expected"/>, waiting up to ten
    /// seconds for it: the runtime may close a socket a moment after Dispose when one of its own threads
    /// still holds it.
    /// </summary>
    public static void AssertReturnsTo(int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int now;
        while ((now = OpenDescriptors()) != expected && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.True(now == expected, $"{expected} descriptors before, {now} after: {Describe()}");
    }
}
