using Torsion.Defer;

namespace Torsion.Tests.Internet;

/// <summary>Records how a Deferred fired, so tests on a fake clock can assert on it synchronously.</summary>
internal sealed class Captured<T>
{
    public bool Fired { get; private set; }
    public T? Value { get; private set; }
    public Failure? Failure { get; private set; }

    public static Captured<T> Of(Deferred<T> d)
    {
        var c = new Captured<T>();
        d.AddBoth(o =>
        {
            c.Fired = true;
            if (o.Succeeded)
            {
                c.Value = o.Value;
            }
            else
            {
                c.Failure = o.Failure;
            }
            return Unit.Value;
        });
        return c;
    }
}
