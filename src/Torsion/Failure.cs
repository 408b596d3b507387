using System.Runtime.ExceptionServices;

namespace Torsion;

/// <summary>
/// An error travelling down a Deferred's errback path or handed to <c>ConnectionLost</c>:
/// an <see cref="Exception"/> together with the stack where it was raised. This is Twisted's
/// <c>twisted.python.failure.Failure</c>.
/// </summary>
public sealed class Failure
{
    private readonly ExceptionDispatchInfo _info;

    /// <summary>Wraps <paramref name="exception"/>. If it was never thrown, the stack is the caller's.</summary>
    public Failure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // An exception that was never thrown keeps no stack: capturing one costs microseconds and
        // failures such as ConnectionDone are created once per closed connection.
        _info = ExceptionDispatchInfo.Capture(exception);
    }

    /// <summary>The exception this failure carries (Twisted's <c>value</c>).</summary>
    public Exception Value => _info.SourceException;

    /// <summary>The runtime type of <see cref="Value"/> (Twisted's <c>type</c>).</summary>
    public Type Type => _info.SourceException.GetType();

    /// <summary>The exception's message (Twisted's <c>getErrorMessage()</c>).</summary>
    public string ErrorMessage => Value.Message;

    /// <summary>
    /// Returns the first of <paramref name="types"/> that <see cref="Value"/> is an instance of,
    /// or <c>null</c> if none matches (Twisted's <c>check</c>).
    /// </summary>
    public Type? Check(params Type[] types)
    {
        foreach (var t in types)
        {
            if (t.IsInstanceOfType(Value))
            {
                return t;
            }
        }
        return null;
    }

    /// <summary>
    /// Returns the matching type if <see cref="Value"/> is one of <paramref name="types"/>,
    /// otherwise rethrows the original exception with its original stack, so an errback that
    /// traps only what it handles passes everything else on (Twisted's <c>trap</c>).
    /// </summary>
    public Type Trap(params Type[] types)
    {
        var match = Check(types);
        if (match is null)
        {
            RaiseException();
        }
        return match!;
    }

    /// <summary>True if <see cref="Value"/> is a <typeparamref name="TException"/>.</summary>
    public bool Check<TException>() where TException : Exception => Value is TException;

    /// <summary>Returns <see cref="Value"/> as <typeparamref name="TException"/>, or rethrows it.</summary>
    public TException Trap<TException>() where TException : Exception
    {
        if (Value is TException e)
        {
            return e;
        }
        RaiseException();
        return null!;
    }

    /// <summary>Rethrows <see cref="Value"/>, keeping the stack it was first raised with.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void RaiseException() => _info.Throw();

    /// <summary>The type, message and stack trace, as a multi-line string.</summary>
    public string GetTraceback() => Value.ToString();

    /// <inheritdoc />
    public override string ToString() => $"[Failure instance: {Type.FullName}: {ErrorMessage}]";
}
