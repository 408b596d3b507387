using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>The backends every reactor test runs against: one theory row per registry entry.</summary>
public static class ReactorNames
{
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var info in Reactors.Available)
            {
                data.Add(info.Name);
            }
            return data;
        }
    }

    /// <summary>
    /// Creates the named reactor. One that reports it cannot run fails the test where every backend must
    /// run (Linux x86-64 and arm64), and skips it with the reason elsewhere (<see cref="Torsion.TestSupport.Backends"/>).
    /// </summary>
    public static IReactor Create(string name) => Torsion.TestSupport.Backends.Create(name);

    /// <summary>Skips unless the reactor has <typeparamref name="TCapability"/>.</summary>
    public static TCapability Require<TCapability>(IReactor reactor) where TCapability : class
    {
        if (reactor is TCapability c)
        {
            return c;
        }
        Assert.Skip($"The {reactor.Name} reactor does not provide {typeof(TCapability).Name}.");
        return null!;
    }
}
