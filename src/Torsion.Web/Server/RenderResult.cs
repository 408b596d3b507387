using System.Runtime.CompilerServices;
using Torsion.Defer;

namespace Torsion.Web.Server;

/// <summary>
/// What a render method returns: the whole body (<c>byte[]</c>, sent with a Content-Length),
/// <see cref="NotDoneYet"/> (the resource writes and finishes the request itself, later), or an
/// asynchronous result: a <see cref="Task{TResult}"/> or <see cref="Deferred{T}"/> of the body, or a
/// <see cref="Task"/>/<see cref="Deferred"/> after which the request is finished if the resource has not
/// finished it. A render method may also be declared <c>async RenderResult</c>: it writes to the request,
/// awaiting what it needs, and the request is finished when it returns.
/// </summary>
[AsyncMethodBuilder(typeof(RenderResultMethodBuilder))]
public readonly struct RenderResult
{
    private static readonly object NotDoneYetMarker = new();

    internal RenderResult(object? value) => Value = value;

    /// <summary>The resource will write to the request and call <see cref="Request.Finish"/> itself (Twisted's <c>NOT_DONE_YET</c>).</summary>
    public static RenderResult NotDoneYet => new(NotDoneYetMarker);

    /// <summary>True for <see cref="NotDoneYet"/>.</summary>
    public bool IsNotDoneYet => ReferenceEquals(Value, NotDoneYetMarker);

    /// <summary>byte[], Task, Task&lt;byte[]&gt;, Deferred, Deferred&lt;byte[]&gt;, the marker, or null (finish).</summary>
    internal object? Value { get; }

    /// <summary>The whole body.</summary>
    public static implicit operator RenderResult(byte[] body) => new(body);

    /// <summary>The body, later.</summary>
    public static implicit operator RenderResult(Task<byte[]> body) => new(body);

    /// <summary>A handler that writes to the request; the request is finished when it completes, if it is not already.</summary>
    public static implicit operator RenderResult(Task handler) => new(handler);

    /// <summary>The body, later.</summary>
    public static implicit operator RenderResult(Deferred<byte[]> body) => new(body);

    /// <summary>A handler that writes to the request; the request is finished when it fires, if it is not already.</summary>
    public static implicit operator RenderResult(Deferred handler) => new(handler);

    /// <summary>The whole body, from a byte array.</summary>
    public static RenderResult FromBytes(byte[] body) => new(body);
}
