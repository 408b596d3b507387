using Torsion.Defer;

namespace Torsion.Internet;

/// <summary>
/// A child run by <see cref="ProcessUtilities.GetProcessOutput"/> without <c>errorToo</c> wrote to its
/// stderr (Twisted's <c>_UnexpectedErrorOutput</c>, an <c>IOError</c> there too). The result fails at the
/// first stderr bytes, before the child ends; <see cref="ProcessEnded"/> says when it has.
/// </summary>
public sealed class UnexpectedErrorOutputException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The first bytes the child wrote to stderr.</param>
    /// <param name="processEnded">Fires when the child has ended (see <see cref="ProcessEnded"/>).</param>
    public UnexpectedErrorOutputException(byte[] error, Deferred<Exception> processEnded)
        : base("got stderr: " + System.Text.Encoding.UTF8.GetString(error))
    {
        ArgumentNullException.ThrowIfNull(processEnded);
        Error = error;
        ProcessEnded = processEnded;
    }

    /// <summary>The first bytes the child wrote to stderr (one read's worth; the rest is not collected).</summary>
    public byte[] Error { get; }

    /// <summary>
    /// Fires with why the child ended (a <see cref="ProcessDone"/> or <see cref="ProcessTerminated"/>) once it
    /// has exited and its pipes are closed. Twisted errbacks this Deferred with the reason; here the reason is
    /// the callback's value, so a caller that ignores it leaves no unhandled failure behind.
    /// </summary>
    public Deferred<Exception> ProcessEnded { get; }
}
