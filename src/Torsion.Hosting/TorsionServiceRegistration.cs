using Torsion.Internet;
using Torsion.Services;

namespace Torsion.Hosting;

/// <summary>
/// One service AddTorsionService (or AddTorsionListener, AddTorsionPlugin) asked for: how to build it
/// once the reactor runs. Kept in DI as a singleton per call, so the order of the calls is the order
/// the services start in (and the reverse of the order they stop in).
/// </summary>
internal sealed class TorsionServiceRegistration(Func<IServiceProvider, IReactor, IService> create)
{
    /// <summary>Builds the service (on the loop thread, before anything in the tree starts).</summary>
    public IService Create(IServiceProvider services, IReactor reactor) => create(services, reactor);
}
