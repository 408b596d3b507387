namespace Torsion.Internet;

/// <summary>
/// Everything every Torsion reactor provides. Optional capabilities are separate interfaces
/// a backend may also implement (test with <c>reactor is IReactorFDSet</c>).
/// </summary>
public interface IReactor : IReactorCore, IReactorTime, IReactorThreads, IReactorTcp, IReactorUnix, IReactorUdp, IReactorMulticast, IReactorPluggableNameResolver, IReactorProcess
{
    /// <summary>The backend's registry name (epoll, poll, select, sockets, io_uring).</summary>
    string Name { get; }
}
