using System.Text;
using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// Whole-file reads and writes that never block the reactor thread: the work (opening the file
/// included) runs on the .NET thread pool and the returned Deferred fires on the reactor thread.
/// </summary>
/// <remarks>
/// <para>
/// A regular file gives no readiness to wait for on Linux: epoll refuses to watch one (EPERM) and
/// poll, select and io_uring's poll report it always ready, though a read may still wait on the disk. So
/// every backend runs file work on threads; docs/files.md says more.
/// </para>
/// <para>
/// Each call is independent: two writes or appends issued together may reach the file in either
/// order. Chain on the first Deferred to order them. The bytes to write are not copied: leave them
/// unchanged until the Deferred fires. Cancelling a Deferred asks the work to stop (it may already
/// have happened) and fails the Deferred with <see cref="CancelledException"/> at once.
/// </para>
/// </remarks>
public static class AsyncFile
{
    /// <summary>Reads the whole file at <paramref name="path"/> (Python's <c>open(path, "rb").read()</c>).</summary>
    public static Deferred<byte[]> ReadAllBytes(IReactorThreads reactor, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Run(reactor, token => File.ReadAllBytesAsync(path, token));
    }

    /// <summary>Reads the whole file at <paramref name="path"/> as text (UTF-8 unless a byte-order mark says otherwise).</summary>
    public static Deferred<string> ReadAllText(IReactorThreads reactor, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Run(reactor, token => File.ReadAllTextAsync(path, token));
    }

    /// <summary>Creates or replaces the file at <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    public static Deferred WriteAllBytes(IReactorThreads reactor, string path, ReadOnlyMemory<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return RunVoid(reactor, token => File.WriteAllBytesAsync(path, bytes, token));
    }

    /// <summary>Appends <paramref name="bytes"/> to the file at <paramref name="path"/>, creating it if needed.</summary>
    public static Deferred AppendAllBytes(IReactorThreads reactor, string path, ReadOnlyMemory<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return RunVoid(reactor, token => File.AppendAllBytesAsync(path, bytes, token));
    }

    /// <summary>Creates or replaces the file at <paramref name="path"/> with <paramref name="text"/> in UTF-8 (no byte-order mark).</summary>
    public static Deferred WriteAllText(IReactorThreads reactor, string path, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(text);
        return RunVoid(reactor, token => File.WriteAllTextAsync(path, text, token));
    }

    /// <summary>Appends <paramref name="text"/> in UTF-8 to the file at <paramref name="path"/>, creating it if needed.</summary>
    public static Deferred AppendAllText(IReactorThreads reactor, string path, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(text);
        return RunVoid(reactor, token => File.AppendAllTextAsync(path, text, Encoding.UTF8, token));
    }

    private static Deferred RunVoid(IReactorThreads reactor, Func<CancellationToken, Task> work) =>
        (Deferred)Run(
            reactor,
            async token =>
            {
                await work(token).ConfigureAwait(false);
                return Unit.Value;
            },
            cancel => new Deferred(_ => cancel.Cancel()));

    private static Deferred<T> Run<T>(IReactorThreads reactor, Func<CancellationToken, Task<T>> work) =>
        Run(reactor, work, cancel => new Deferred<T>(_ => cancel.Cancel()));

    // Runs work on the thread pool and fires the Deferred that make returns (its canceller cancels the work) on the reactor thread.
    private static Deferred<T> Run<T>(IReactorThreads reactor, Func<CancellationToken, Task<T>> work, Func<CancellationTokenSource, Deferred<T>> make)
    {
        ArgumentNullException.ThrowIfNull(reactor);
        var cancel = new CancellationTokenSource();
        var d = make(cancel);
        // Task.Run, not the async method directly: File's async methods open the file on the calling
        // thread, and an open can block (a network file system, a FIFO with no writer).
        Task.Run(() => work(cancel.Token), cancel.Token).ContinueWith(
            task =>
            {
                Failure? failure = null;
                var value = default(T);
                if (task.IsCompletedSuccessfully)
                {
                    value = task.Result;
                }
                else if (!task.IsCanceled)
                {
                    var e = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
                    failure = new Failure(e);
                }
                reactor.CallFromThread(() =>
                {
                    cancel.Dispose();
                    // A cancelled Deferred has already failed; the late outcome is dropped.
                    if (d.Called)
                    {
                        return;
                    }
                    if (failure is not null)
                    {
                        d.Errback(failure);
                    }
                    else if (task.IsCanceled)
                    {
                        d.Errback(new CancelledException("The file operation was cancelled."));
                    }
                    else
                    {
                        d.Callback(value!);
                    }
                });
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return d;
    }
}
