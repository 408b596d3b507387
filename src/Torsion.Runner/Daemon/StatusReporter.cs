using System.IO.Pipes;
using System.Text;

namespace Torsion.Runner.Daemon;

/// <summary>
/// The daemon's half of the status pipe: one report, "ready" or "failed" with the reason, after
/// which the pipe is closed so nothing the application starts inherits it.
/// </summary>
internal sealed class StatusReporter : IDisposable
{
    internal const string Ready = "ready";
    internal const string Failed = "failed";

    private AnonymousPipeClientStream? _pipe;

    private StatusReporter(AnonymousPipeClientStream? pipe)
    {
        _pipe = pipe;
        IsDaemon = pipe is not null;
    }

    /// <summary>
    /// A reporter for the status pipe named in the environment, or a silent one in the foreground.
    /// In the daemon this also detaches the process (<see cref="DaemonProcess.Detach"/>), which must
    /// happen before anything touches the console: the console keeps its own duplicates of 1 and 2.
    /// </summary>
    public static StatusReporter FromEnvironment()
    {
        var handle = Environment.GetEnvironmentVariable(DaemonLauncher.StatusVariable);
        // Not for the application's own child processes.
        Environment.SetEnvironmentVariable(DaemonLauncher.StatusVariable, null);
        if (string.IsNullOrEmpty(handle))
        {
            return new StatusReporter(null);
        }
        if (int.TryParse(handle, out var fd))
        {
            DaemonProcess.Detach(fd);
        }
        return new StatusReporter(new AnonymousPipeClientStream(PipeDirection.Out, handle));
    }

    /// <summary>True when a parent is waiting for the report (this process is the daemon).</summary>
    public bool IsDaemon { get; }

    /// <summary>Tells the parent the application is serving.</summary>
    public void ReportReady() => Send(Ready + "\n");

    /// <summary>Tells the parent why the application did not start.</summary>
    public void ReportFailure(string message) => Send(Failed + "\n" + message + "\n");

    private void Send(string text)
    {
        var pipe = _pipe;
        if (pipe is null)
        {
            return;
        }
        _pipe = null;
        try
        {
            pipe.Write(Encoding.UTF8.GetBytes(text));
            pipe.Flush();
        }
        catch (IOException)
        {
            // The parent is gone (killed while waiting): the daemon carries on regardless.
        }
        finally
        {
            pipe.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _pipe?.Dispose();
}
