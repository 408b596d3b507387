using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>Something with a POSIX file descriptor that a readiness reactor can watch (Twisted's <c>IFileDescriptor</c>).</summary>
public interface IFileDescriptor
{
    /// <summary>The descriptor number; it must stay the same while registered.</summary>
    int FileDescriptor { get; }

    /// <summary>Called once when the reactor drops the descriptor: a <c>DoRead</c>/<c>DoWrite</c> returned a failure or threw, or the reactor shut down.</summary>
    void ConnectionLost(Failure reason);
}
