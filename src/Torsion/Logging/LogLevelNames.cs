namespace Torsion.Logging;

/// <summary>The lower-case names Twisted prints for levels (<c>info</c>, <c>warn</c>, ...).</summary>
internal static class LogLevelNames
{
    /// <summary>Returns the lower-case name of <paramref name="level"/>, without allocating.</summary>
    internal static string Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warn => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => ((int)level).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
