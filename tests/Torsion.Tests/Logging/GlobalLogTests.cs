using Torsion.Logging;

namespace Torsion.Tests.Logging;

// Inside Torsion.Tests the simple name Logger means this namespace; the alias picks the type.
using Logger = Logger;

[Collection(GlobalLogCollection.Name)]
public sealed class GlobalLogTests
{
    [Fact]
    public void DefaultLoggerEmitsToGlobalPublisherWithInfoDefault()
    {
        var collector = new EventCollector();
        var log = new Logger("torsion.tests.global");
        GlobalLog.Publisher.AddObserver(collector);
        try
        {
            log.Debug("hidden");
            log.Info("shown");
            GlobalLog.Levels.SetLogLevelForNamespace("torsion.tests.global", LogLevel.Debug);
            log.Debug("now shown");
        }
        finally
        {
            GlobalLog.Publisher.RemoveObserver(collector);
            GlobalLog.Levels.ClearLogLevels();
        }
        Assert.Same(GlobalLog.Publisher, log.Observer);
        Assert.Equal(["shown", "now shown"], collector.Events.Where(e => e.Namespace == "torsion.tests.global").Select(e => e.Format));
    }
}
