namespace Torsion.Internet;

/// <summary>
/// Starting child processes whose pipes the reactor drives (Twisted's <c>IReactorProcess</c>).
/// </summary>
public interface IReactorProcess
{
    /// <summary>
    /// Starts <paramref name="executable"/> and connects <paramref name="processProtocol"/> to it.
    /// The child's pipes are read and written by the reactor; the protocol hears
    /// <see cref="ProcessProtocol.ProcessExited"/> when the child exits and
    /// <see cref="ProcessProtocol.ProcessEnded"/> once it has exited and every pipe is closed.
    /// </summary>
    /// <param name="processProtocol">The protocol the child's output and exit are delivered to.</param>
    /// <param name="executable">The program: a path, or a name looked up in the child environment's <c>PATH</c> (the parent's when the environment has none).</param>
    /// <param name="args">The whole argument vector, <c>argv[0]</c> included (as in Twisted); null means just the executable.</param>
    /// <param name="env">The child's whole environment; null inherits the parent's (an empty dictionary is an empty environment).</param>
    /// <param name="path">The child's working directory; null keeps the parent's.</param>
    /// <param name="uid">The user id the child runs as (needs privilege); null keeps the parent's.</param>
    /// <param name="gid">The group id the child runs as (needs privilege); null keeps the parent's.</param>
    /// <param name="usePty">Give the child a pseudo-terminal as its stdin, stdout and stderr and a new session; its output arrives as descriptor 1.</param>
    /// <param name="childFds">
    /// Which descriptors the child gets and how (Twisted's <c>childFDs</c>); null means
    /// <c>{0: Write, 1: Read, 2: Read}</c>. Every other descriptor is closed in the child.
    /// </param>
    /// <returns>The transport to the running child.</returns>
    /// <exception cref="System.ComponentModel.Win32Exception">The child could not be started (no such program, not executable, ...).</exception>
    IProcessTransport SpawnProcess(
        ProcessProtocol processProtocol,
        string executable,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null,
        string? path = null,
        int? uid = null,
        int? gid = null,
        bool usePty = false,
        IReadOnlyDictionary<int, ChildFd>? childFds = null);
}
