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

    /// <summary>Creates the named reactor, or skips the test with the reason it cannot run here.</summary>
    public static IReactor Create(string name)
    {
        var info = Reactors.Get(name);
        if (info.UnsupportedReason is { } why)
        {
            Assert.Skip($"The {name} reactor cannot run here: {why}");
        }
        return info.Create();
    }

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
