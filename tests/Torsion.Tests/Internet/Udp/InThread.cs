using Torsion.Internet;

namespace Torsion.Tests.Internet.Udp;

/// <summary>Runs blocking client code on a pool thread and hands its result (or its exception) back to the loop.</summary>
internal static class InThread
{
    public static void Run<T>(IReactor reactor, Func<T> work, Action<T> done, Action<Exception> failed)
    {
        reactor.CallInThread(() =>
        {
            T result;
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                reactor.CallFromThread(() => failed(e));
                return;
            }
            reactor.CallFromThread(() => done(result));
        });
    }
}
