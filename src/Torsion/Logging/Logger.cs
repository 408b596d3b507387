using System.Diagnostics.CodeAnalysis;
using Torsion.Defer;

namespace Torsion.Logging;

/// <summary>
/// Emits structured events from one namespace (Twisted's <c>twisted.logger.Logger</c>):
/// <code>
/// private static readonly Logger Log = Logger.For&lt;EchoServer&gt;();
/// Log.Info("Connection from {peer} lost after {bytes} bytes", ("peer", peer), ("bytes", count));
/// Log.Info("Listening on {port}", new { port = 8080 });
/// </code>
/// The template is stored with the values, not rendered at the call, so observers can keep the
/// values as data (JSON) and the text is produced only if someone prints it.
/// </summary>
/// <remarks>
/// A logger is immutable and thread-safe; keep one in a static field. When the target is a
/// <see cref="LogPublisher"/> whose <see cref="LogPublisher.LevelFilter"/> rejects the level, a call
/// returns before building anything. Arguments are still evaluated (and value types boxed) by the
/// caller, so in a hot loop guard expensive arguments with <see cref="IsEnabled"/>.
/// </remarks>
public sealed class Logger
{
    // Why the object overloads are not trim-safe, shown to a caller who publishes trimmed or Native AOT.
    private const string FieldsByReflection =
        "Reads the public properties of the fields object by reflection, and trimming (Native AOT included) may remove them; pass (name, value) tuples instead.";

    private readonly ILogObserver _observer;
    private readonly LogPublisher? _publisher;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a logger.</summary>
    /// <param name="namespace">The events' namespace; by convention a full type name.</param>
    /// <param name="observer">Where events go; <see cref="GlobalLog.Publisher"/> if <c>null</c>.</param>
    /// <param name="source">The object events are attributed to (<see cref="LogEvent.Source"/>), if any.</param>
    /// <param name="timeProvider">The clock stamping events; the system clock if <c>null</c>.</param>
    public Logger(string @namespace, ILogObserver? observer = null, object? source = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        Namespace = @namespace;
        _observer = observer ?? GlobalLog.Publisher;
        _publisher = _observer as LogPublisher;
        Source = source;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The namespace stamped on every event from this logger.</summary>
    public string Namespace { get; }

    /// <summary>The object events are attributed to, if any.</summary>
    public object? Source { get; }

    /// <summary>The observer this logger emits to.</summary>
    public ILogObserver Observer => _observer;

    /// <summary>A logger whose namespace is the full name of <typeparamref name="T"/>, emitting to the global publisher.</summary>
    public static Logger For<T>() => For(typeof(T));

    /// <summary>A logger whose namespace is the full name of <paramref name="type"/>, emitting to the global publisher.</summary>
    public static Logger For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new Logger(type.FullName ?? type.Name);
    }

    /// <summary>A logger with this one's namespace and target whose events are attributed to <paramref name="source"/>.</summary>
    public Logger WithSource(object? source) => new(Namespace, _observer, source, _timeProvider);

    /// <summary>True if an event at <paramref name="level"/> from this logger would be delivered at all.</summary>
    public bool IsEnabled(LogLevel level) => _publisher is null || _publisher.IsEnabled(Namespace, level);

    /// <summary>Emits an event at <paramref name="level"/> with the given template and fields.</summary>
    public void Emit(LogLevel level, string format, params ReadOnlySpan<(string Name, object? Value)> fields)
    {
        if (IsEnabled(level))
        {
            Publish(level, format, ToDictionary(fields), null);
        }
    }

    /// <summary>Emits an event at <paramref name="level"/>, taking fields from the public properties of <paramref name="fields"/> (typically an anonymous object).</summary>
    [RequiresUnreferencedCode(FieldsByReflection)]
    public void Emit(LogLevel level, string format, object? fields)
    {
        if (IsEnabled(level))
        {
            Publish(level, format, FieldReader.Read(fields), null);
        }
    }

    /// <summary>Emits a <see cref="LogLevel.Debug"/> event.</summary>
    public void Debug(string format, params ReadOnlySpan<(string Name, object? Value)> fields) => Emit(LogLevel.Debug, format, fields);

    /// <summary>Emits a <see cref="LogLevel.Debug"/> event with fields from an object's properties.</summary>
    [RequiresUnreferencedCode(FieldsByReflection)]
    public void Debug(string format, object? fields) => Emit(LogLevel.Debug, format, fields);

    /// <summary>Emits an <see cref="LogLevel.Info"/> event.</summary>
    public void Info(string format, params ReadOnlySpan<(string Name, object? Value)> fields) => Emit(LogLevel.Info, format, fields);

    /// <summary>Emits an <see cref="LogLevel.Info"/> event with fields from an object's properties.</summary>
    [RequiresUnreferencedCode(FieldsByReflection)]
    public void Info(string format, object? fields) => Emit(LogLevel.Info, format, fields);

    /// <summary>Emits a <see cref="LogLevel.Warn"/> event.</summary>
    public void Warn(string format, params ReadOnlySpan<(string Name, object? Value)> fields) => Emit(LogLevel.Warn, format, fields);

    /// <summary>Emits a <see cref="LogLevel.Warn"/> event with fields from an object's properties.</summary>
    [RequiresUnreferencedCode(FieldsByReflection)]
    public void Warn(string format, object? fields) => Emit(LogLevel.Warn, format, fields);

    /// <summary>Emits an <see cref="LogLevel.Error"/> event.</summary>
    public void Error(string format, params ReadOnlySpan<(string Name, object? Value)> fields) => Emit(LogLevel.Error, format, fields);

    /// <summary>Emits an <see cref="LogLevel.Error"/> event with fields from an object's properties.</summary>
    [RequiresUnreferencedCode(FieldsByReflection)]
    public void Error(string format, object? fields) => Emit(LogLevel.Error, format, fields);

    /// <summary>Emits a <see cref="LogLevel.Critical"/> event.</summary>
    public void Critical(string format, params ReadOnlySpan<(string Name, object? Value)> fields) => Emit(LogLevel.Critical, format, fields);

    /// <summary>Emits a <see cref="LogLevel.Critical"/> event with fields from an object's properties.</summary>
    [RequiresUnreferencedCode(FieldsByReflection)]
    public void Critical(string format, object? fields) => Emit(LogLevel.Critical, format, fields);

    /// <summary>
    /// Emits an event carrying <paramref name="failure"/>, whose traceback observers print after the
    /// message (Twisted's <c>log.failure</c>). The level defaults to <see cref="LogLevel.Critical"/>
    /// as in Twisted: an unexpected exception is presumed serious until someone says otherwise.
    /// </summary>
    public void Failure(string format, Failure failure, LogLevel level = LogLevel.Critical, params ReadOnlySpan<(string Name, object? Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (IsEnabled(level))
        {
            Publish(level, format, ToDictionary(fields), failure);
        }
    }

    /// <summary>Like <see cref="Failure(string, Torsion.Failure, LogLevel, ReadOnlySpan{ValueTuple{string, object}})"/>, wrapping <paramref name="exception"/> in a <see cref="Torsion.Failure"/>.</summary>
    public void Failure(string format, Exception exception, LogLevel level = LogLevel.Critical, params ReadOnlySpan<(string Name, object? Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (IsEnabled(level))
        {
            Publish(level, format, ToDictionary(fields), new Failure(exception));
        }
    }

    private void Publish(LogLevel level, string format, IReadOnlyDictionary<string, object?>? fields, Failure? failure) =>
        _observer.Observe(new LogEvent(_timeProvider.GetUtcNow(), level, Namespace, format, fields, failure, Source));

    private static Dictionary<string, object?>? ToDictionary(ReadOnlySpan<(string Name, object? Value)> fields)
    {
        if (fields.IsEmpty)
        {
            return null;
        }
        var dictionary = new Dictionary<string, object?>(fields.Length, StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            // A repeated name keeps its last value, as a repeated keyword would in a dict literal.
            dictionary[name] = value;
        }
        return dictionary;
    }
}
