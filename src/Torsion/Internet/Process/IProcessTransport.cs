namespace Torsion.Internet;

/// <summary>
/// The parent's side of a running child process (Twisted's <c>IProcessTransport</c>). <see cref="ITransport.Write"/>
/// writes to the child's stdin; as a consumer it takes a producer for stdin (paused above the
/// write buffer's high-water mark), and as a push producer pausing it stops reading the child's
/// pipes, so a child that floods its output is paced by the pipe instead of buffered.
/// </summary>
public interface IProcessTransport : ITransport, IConsumer, IPushProducer
{
    /// <summary>The child's process id, or null once it has exited and been reaped.</summary>
    int? Pid { get; }

    /// <summary>Writes <paramref name="data"/> to the child's descriptor <paramref name="childFd"/> (one set up as <see cref="ChildFd.Write"/>).</summary>
    void WriteToChild(int childFd, ReadOnlySpan<byte> data);

    /// <summary>Closes the parent's end of the pipe to <paramref name="childFd"/> (after writing what is buffered, for a write pipe).</summary>
    void CloseChildFd(int childFd);

    /// <summary>Closes the child's stdin once what is buffered is written: the child reads end of file.</summary>
    void CloseStdin();

    /// <summary>Stops reading the child's stdout and closes the pipe.</summary>
    void CloseStdout();

    /// <summary>Stops reading the child's stderr and closes the pipe.</summary>
    void CloseStderr();

    /// <summary>Sends the child a signal by name: <c>"TERM"</c>, <c>"KILL"</c>, <c>"INT"</c>, <c>"HUP"</c>, ... (with or without the <c>SIG</c> prefix).</summary>
    /// <exception cref="ProcessExitedAlreadyException">The child has already exited.</exception>
    void SignalProcess(string signalName);

    /// <summary>Sends the child signal number <paramref name="signal"/>.</summary>
    /// <exception cref="ProcessExitedAlreadyException">The child has already exited.</exception>
    void SignalProcess(int signal);
}
