namespace Torsion.Logging;

/// <summary>
/// How important a <see cref="LogEvent"/> is, least to most severe (Twisted's <c>LogLevel</c>).
/// The numeric order is meaningful: filters compare levels with <c>&gt;=</c>.
/// </summary>
public enum LogLevel
{
    /// <summary>Detail useful only while debugging; off by default.</summary>
    Debug = 0,

    /// <summary>Routine information about normal operation.</summary>
    Info = 1,

    /// <summary>Something unexpected that the program recovered from.</summary>
    Warn = 2,

    /// <summary>An operation failed.</summary>
    Error = 3,

    /// <summary>A failure that may leave the process unable to continue.</summary>
    Critical = 4,
}
