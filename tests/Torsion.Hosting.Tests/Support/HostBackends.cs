using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Hosting.Tests.Support;

/// <summary>
/// The backends the host tests run on: the two readiness families that differ in how a listening socket
/// and its connections are watched (epoll, poll, select) and the completion-based one (sockets).
/// </summary>
public static class HostBackends
{
    public static TheoryData<string> All => new("epoll", "poll", "select", "sockets");

    /// <summary>Fails (where every backend must run) or skips when <paramref name="name"/> cannot run here.</summary>
    public static void Require(string name) => Backends.Require(Reactors.Get(name));
}
