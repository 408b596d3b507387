using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Running a program for its output or exit code in one call (Twisted's <c>twisted.internet.utils</c>).
/// Each method spawns the child through <see cref="IReactorProcess.SpawnProcess"/> and returns a
/// Deferred that fires once the child has ended. Call them on the reactor thread, like SpawnProcess.
/// </summary>
/// <remarks>
/// <para>Differences from Twisted, all deliberate:</para>
/// <list type="bullet">
/// <item>An <c>env</c> of null inherits the parent's environment, as everywhere in Torsion (Twisted's
/// default <c>{}</c> is an empty one; pass an empty dictionary for that).</item>
/// <item>The child's stdin is closed at once (after the optional bytes), so a child that reads it sees end
/// of file rather than hanging.</item>
/// <item>Cancelling the returned Deferred kills the child with SIGKILL and closes its pipes; the Deferred
/// fails with <see cref="CancelledException"/>.</item>
/// <item>A child that cannot be started fails the Deferred (with the exception SpawnProcess threw)
/// instead of throwing.</item>
/// </list>
/// <para>As in Twisted's utils, <c>args</c> are the arguments after <c>argv[0]</c>; the executable is
/// passed as <c>argv[0]</c>.</para>
/// </remarks>
public static class ProcessUtilities
{
    /// <summary>
    /// Runs <paramref name="executable"/> and fires with everything it wrote to stdout, whatever its exit
    /// code (Twisted's <c>getProcessOutput</c>).
    /// </summary>
    /// <param name="reactor">The reactor that runs the child.</param>
    /// <param name="executable">The program: a path, or a name looked up in <c>PATH</c>.</param>
    /// <param name="args">The arguments after <c>argv[0]</c>; null for none.</param>
    /// <param name="env">The child's whole environment; null inherits the parent's.</param>
    /// <param name="path">The child's working directory; null keeps the parent's.</param>
    /// <param name="errorToo">
    /// True: stderr is collected too, interleaved with stdout as it arrives. False (Twisted's default): the
    /// first bytes on stderr fail the Deferred at once with <see cref="UnexpectedErrorOutputException"/>
    /// (carrying them) and close the pipes to the child.
    /// </param>
    /// <returns>A Deferred of the output.</returns>
    public static Deferred<byte[]> GetProcessOutput(
        this IReactorProcess reactor,
        string executable,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null,
        string? path = null,
        bool errorToo = false) =>
        Run(reactor, new OutputRelay(errorToo), executable, args, env, path);

    /// <summary>
    /// Runs <paramref name="executable"/> and fires with its exit code (Twisted's <c>getProcessValue</c>).
    /// Its output is read and dropped.
    /// </summary>
    /// <param name="reactor">The reactor that runs the child.</param>
    /// <param name="executable">The program: a path, or a name looked up in <c>PATH</c>.</param>
    /// <param name="args">The arguments after <c>argv[0]</c>; null for none.</param>
    /// <param name="env">The child's whole environment; null inherits the parent's.</param>
    /// <param name="path">The child's working directory; null keeps the parent's.</param>
    /// <returns>
    /// A Deferred of the exit code. A child killed by a signal has none: the Deferred fails with the
    /// <see cref="ProcessTerminated"/> reason, whose <see cref="ProcessTerminated.Signal"/> says which
    /// (Twisted calls back with <c>None</c>).
    /// </returns>
    public static Deferred<int> GetProcessValue(
        this IReactorProcess reactor,
        string executable,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null,
        string? path = null) =>
        Run(reactor, new ExitValueGetter(), executable, args, env, path);

    /// <summary>
    /// Runs <paramref name="executable"/> and fires with its stdout, its stderr and its exit code
    /// (Twisted's <c>getProcessOutputAndValue</c>).
    /// </summary>
    /// <param name="reactor">The reactor that runs the child.</param>
    /// <param name="executable">The program: a path, or a name looked up in <c>PATH</c>.</param>
    /// <param name="args">The arguments after <c>argv[0]</c>; null for none.</param>
    /// <param name="env">The child's whole environment; null inherits the parent's.</param>
    /// <param name="path">The child's working directory; null keeps the parent's.</param>
    /// <param name="stdinBytes">Written to the child's stdin before it is closed (Twisted's <c>stdinBytes</c>).</param>
    /// <returns>
    /// A Deferred of the <see cref="ProcessOutput"/>. A child killed by a signal fails it with
    /// <see cref="ProcessSignalledException"/>, which carries the output so far and the signal.
    /// </returns>
    public static Deferred<ProcessOutput> GetProcessOutputAndValue(
        this IReactorProcess reactor,
        string executable,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null,
        string? path = null,
        ReadOnlyMemory<byte> stdinBytes = default) =>
        Run(reactor, new OutputAndValueGetter(stdinBytes), executable, args, env, path);

    private static Deferred<T> Run<T>(
        IReactorProcess reactor,
        DeferredProcessProtocol<T> protocol,
        string executable,
        IReadOnlyList<string>? args,
        IReadOnlyDictionary<string, string>? env,
        string? path)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        ArgumentException.ThrowIfNullOrEmpty(executable);
        var argv = new string[1 + (args?.Count ?? 0)];
        argv[0] = executable;
        for (var i = 1; i < argv.Length; i++)
        {
            argv[i] = args![i - 1];
        }
        try
        {
            reactor.SpawnProcess(protocol, executable, argv, env, path);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            // No child to wait for: the failure is the result (a Deferred-returning call should not throw
            // for a missing program).
            return Deferred.Fail<T>(e);
        }
        return protocol.Result;
    }
}
