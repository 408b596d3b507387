namespace Torsion.Logging;

/// <summary>
/// The process-wide logging entry point (Twisted's <c>globalLogPublisher</c> and
/// <c>globalLogBeginner</c>). Loggers created without an explicit observer emit to
/// <see cref="Publisher"/>; the program (or <c>torsiond</c>) calls <see cref="BeginLoggingTo"/>
/// once it knows where logs go.
/// </summary>
/// <remarks>
/// The global publisher filters by <see cref="Levels"/>, whose default level is
/// <see cref="LogLevel.Info"/>: debug events are not even built unless enabled, e.g.
/// <c>GlobalLog.Levels.SetLogLevelForNamespace("Torsion.Internet", LogLevel.Debug)</c>.
/// </remarks>
public static class GlobalLog
{
    private static readonly LogLevelFilterPredicate s_levels = new(LogLevel.Info);
    private static readonly LogPublisher s_publisher = new() { LevelFilter = s_levels };
    private static readonly LogBeginner s_beginner = new(s_publisher);

    /// <summary>The publisher every default <see cref="Logger"/> emits to.</summary>
    public static LogPublisher Publisher => s_publisher;

    /// <summary>The per-namespace minimum levels applied by <see cref="Publisher"/>.</summary>
    public static LogLevelFilterPredicate Levels => s_levels;

    /// <summary>Buffers early events until <see cref="BeginLoggingTo"/>.</summary>
    public static LogBeginner Beginner => s_beginner;

    /// <summary>Sends all logging to <paramref name="observers"/>, replaying what was logged before (see <see cref="LogBeginner"/>).</summary>
    public static void BeginLoggingTo(params ILogObserver[] observers) => s_beginner.BeginLoggingTo(observers);
}
