using Torsion.Internet;

namespace Torsion.Tests.Internet.Processes;

/// <summary>
/// An <see cref="IReactorProcess"/> that starts nothing: it records what SpawnProcess was asked and hands
/// the protocol a <see cref="FakeProcessTransport"/>, so a test drives the child's side by hand.
/// </summary>
internal sealed class FakeProcessReactor : IReactorProcess
{
    public Exception? SpawnError { get; set; }

    public ProcessProtocol? Protocol { get; private set; }

    public FakeProcessTransport? Transport { get; private set; }

    public string? Executable { get; private set; }

    public IReadOnlyList<string>? Args { get; private set; }

    public IReadOnlyDictionary<string, string>? Env { get; private set; }

    public string? Path { get; private set; }

    public IProcessTransport SpawnProcess(
        ProcessProtocol processProtocol,
        string executable,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null,
        string? path = null,
        int? uid = null,
        int? gid = null,
        bool usePty = false,
        IReadOnlyDictionary<int, ChildFd>? childFds = null)
    {
        if (SpawnError is { } e)
        {
            throw e;
        }
        (Protocol, Executable, Args, Env, Path) = (processProtocol, executable, args, env, path);
        Transport = new FakeProcessTransport();
        processProtocol.MakeConnection(Transport);
        return Transport;
    }
}
