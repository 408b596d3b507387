using Torsion.Logging;

namespace Torsion.Tests.Logging;

public sealed class DailyLogFileTests
{
    private static readonly DateTimeOffset s_lateEvening = new(2026, 1, 5, 23, 59, 0, TimeSpan.Zero);

    [Fact]
    public void RotatesToDatedNameWhenTheDayChanges()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(s_lateEvening);
        using (var log = new DailyLogFile("app.log", dir.Path, timeProvider: clock))
        {
            log.Write("day one\n");
            Assert.Equal(new DateOnly(2026, 1, 5), log.LastDate);
            clock.Advance(TimeSpan.FromMinutes(2));
            log.Write("day two\n");
            Assert.Equal(new DateOnly(2026, 1, 6), log.LastDate);
            clock.Advance(TimeSpan.FromDays(1));
            log.Write("day three\n");
            Assert.Equal([new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 6)], log.ListLogs());
        }
        Assert.Equal("day one\n", File.ReadAllText(dir.File("app.log.2026_1_5")));
        Assert.Equal("day two\n", File.ReadAllText(dir.File("app.log.2026_1_6")));
        Assert.Equal("day three\n", File.ReadAllText(dir.File("app.log")));
    }

    [Fact]
    public void DayBoundaryFollowsTheClocksLocalZone()
    {
        using var dir = new TempDirectory();
        // 23:59 UTC is already 08:59 the next day in UTC+9.
        var zone = TimeZoneInfo.CreateCustomTimeZone("plus-nine", TimeSpan.FromHours(9), "p", "p");
        var clock = new ManualTimeProvider(s_lateEvening, zone);
        using var log = new DailyLogFile("app.log", dir.Path, timeProvider: clock);
        Assert.Equal(new DateOnly(2026, 1, 6), log.LastDate);
    }

    [Fact]
    public void SameDayDoesNotRotate()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(s_lateEvening.AddHours(-20));
        using (var log = new DailyLogFile("app.log", dir.Path, timeProvider: clock))
        {
            log.Write("a");
            clock.Advance(TimeSpan.FromHours(19));
            log.Write("b");
            Assert.Empty(log.ListLogs());
        }
        Assert.Equal("ab", File.ReadAllText(dir.File("app.log")));
    }

    [Fact]
    public void ExistingFileFromAnEarlierDayIsRotatedOnFirstWrite()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.log"), "old\n");
        File.SetLastWriteTimeUtc(dir.File("app.log"), new DateTime(2026, 1, 3, 12, 0, 0, DateTimeKind.Utc));
        using (var log = new DailyLogFile("app.log", dir.Path, timeProvider: new ManualTimeProvider(s_lateEvening)))
        {
            Assert.Equal(new DateOnly(2026, 1, 3), log.LastDate);
            log.Write("new\n");
        }
        Assert.Equal("old\n", File.ReadAllText(dir.File("app.log.2026_1_3")));
        Assert.Equal("new\n", File.ReadAllText(dir.File("app.log")));
    }

    [Fact]
    public void ExistingDatedCopyIsNotOverwritten()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.log.2026_1_5"), "earlier copy");
        var clock = new ManualTimeProvider(s_lateEvening);
        using (var log = new DailyLogFile("app.log", dir.Path, timeProvider: clock))
        {
            log.Write("a");
            clock.Advance(TimeSpan.FromHours(1));
            log.Write("b");
        }
        Assert.Equal("earlier copy", File.ReadAllText(dir.File("app.log.2026_1_5")));
        Assert.Equal("ab", File.ReadAllText(dir.File("app.log")));
    }

    [Fact]
    public void SuffixIsUnpadded() => Assert.Equal("2026_1_5", DailyLogFile.Suffix(new DateOnly(2026, 1, 5)));
}
