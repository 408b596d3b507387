using ExtensionsLevel = Microsoft.Extensions.Logging.LogLevel;
using TorsionLevel = Torsion.Logging.LogLevel;

namespace Torsion.Hosting.Logging;

/// <summary>The level mapping both bridges use: Twisted's five levels against .NET's six.</summary>
internal static class LogLevels
{
    /// <summary>Torsion → .NET: one to one (Warn is Warning, Info is Information).</summary>
    public static ExtensionsLevel ToExtensions(TorsionLevel level) => level switch
    {
        TorsionLevel.Debug => ExtensionsLevel.Debug,
        TorsionLevel.Info => ExtensionsLevel.Information,
        TorsionLevel.Warn => ExtensionsLevel.Warning,
        TorsionLevel.Error => ExtensionsLevel.Error,
        _ => ExtensionsLevel.Critical,
    };

    /// <summary>.NET → Torsion: Trace joins Debug, as Torsion has nothing finer; None is never logged.</summary>
    public static TorsionLevel? ToTorsion(ExtensionsLevel level) => level switch
    {
        ExtensionsLevel.Trace or ExtensionsLevel.Debug => TorsionLevel.Debug,
        ExtensionsLevel.Information => TorsionLevel.Info,
        ExtensionsLevel.Warning => TorsionLevel.Warn,
        ExtensionsLevel.Error => TorsionLevel.Error,
        ExtensionsLevel.Critical => TorsionLevel.Critical,
        _ => null,
    };
}
