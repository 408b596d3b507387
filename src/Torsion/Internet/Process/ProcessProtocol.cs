using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// What hears a child process (Twisted's <c>ProcessProtocol</c>): its output, the closing of each of
/// its pipes, its exit, and the end (exited and every pipe closed). Override what you need; the
/// defaults do nothing, and <see cref="ChildDataReceived"/> and <see cref="ChildConnectionLost"/>
/// dispatch descriptors 0, 1 and 2 to the named methods. Everything runs on the reactor thread.
/// </summary>
public abstract class ProcessProtocol
{
    /// <summary>The transport to the child, set before <see cref="ConnectionMade"/>.</summary>
    public IProcessTransport? Transport { get; private set; }

    /// <summary>Called by the reactor: remembers <paramref name="transport"/> and calls <see cref="ConnectionMade"/>.</summary>
    public virtual void MakeConnection(IProcessTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        Transport = transport;
        ConnectionMade();
    }

    /// <summary>The child is running and its pipes are open.</summary>
    public virtual void ConnectionMade()
    {
    }

    /// <summary>The child wrote <paramref name="data"/> to descriptor <paramref name="childFd"/>; 1 and 2 go on to <see cref="OutReceived"/> and <see cref="ErrReceived"/>.</summary>
    public virtual void ChildDataReceived(int childFd, ReadOnlySpan<byte> data)
    {
        if (childFd == 1)
        {
            OutReceived(data);
        }
        else if (childFd == 2)
        {
            ErrReceived(data);
        }
    }

    /// <summary>The child wrote to its stdout.</summary>
    public virtual void OutReceived(ReadOnlySpan<byte> data)
    {
    }

    /// <summary>The child wrote to its stderr.</summary>
    public virtual void ErrReceived(ReadOnlySpan<byte> data)
    {
    }

    /// <summary>The pipe to or from the child's descriptor <paramref name="childFd"/> is closed; 0, 1 and 2 go on to the named methods.</summary>
    public virtual void ChildConnectionLost(int childFd)
    {
        switch (childFd)
        {
            case 0:
                InConnectionLost();
                break;
            case 1:
                OutConnectionLost();
                break;
            case 2:
                ErrConnectionLost();
                break;
        }
    }

    /// <summary>The pipe to the child's stdin is closed.</summary>
    public virtual void InConnectionLost()
    {
    }

    /// <summary>The pipe from the child's stdout is closed.</summary>
    public virtual void OutConnectionLost()
    {
    }

    /// <summary>The pipe from the child's stderr is closed.</summary>
    public virtual void ErrConnectionLost()
    {
    }

    /// <summary>
    /// The child has exited (its pipes may still be open, held by a grandchild). <paramref name="reason"/>
    /// wraps <see cref="ProcessDone"/> for exit code 0, else <see cref="ProcessTerminated"/>.
    /// </summary>
    public virtual void ProcessExited(Failure reason)
    {
    }

    /// <summary>The child has exited and every pipe to it is closed; <paramref name="reason"/> as for <see cref="ProcessExited"/>.</summary>
    public virtual void ProcessEnded(Failure reason)
    {
    }
}
