using Torsion.Logging;

namespace Torsion.Tests.Logging;

// Inside Torsion.Tests the simple name Logger means this namespace; the alias picks the type.
using Logger = Logger;

public sealed class LogFileRotationTests
{
    [Fact]
    public void RotatesBeforeTheWriteThatFollowsReachingRotateLength()
    {
        using var dir = new TempDirectory();
        using (var log = new LogFile("app.log", dir.Path, rotateLength: 10))
        {
            log.Write("0123456789"); // reaches 10 bytes: the next write rotates first
            log.Write("abc");
            log.Write("defghijklm"); // 13 bytes in the live file: rotates before the next
            log.Write("xyz");
            Assert.Equal([1, 2], log.ListLogs());
        }
        Assert.Equal("xyz", File.ReadAllText(dir.File("app.log")));
        Assert.Equal("abcdefghijklm", File.ReadAllText(dir.File("app.log.1")));
        Assert.Equal("0123456789", File.ReadAllText(dir.File("app.log.2")));
    }

    [Fact]
    public void MaxRotatedFilesDropsTheOldest()
    {
        using var dir = new TempDirectory();
        using (var log = new LogFile("app.log", dir.Path, rotateLength: 5, maxRotatedFiles: 2))
        {
            foreach (var chunk in new[] { "aaaaa", "bbbbb", "ccccc", "ddddd", "eeeee" })
            {
                log.Write(chunk);
            }
            Assert.Equal([1, 2], log.ListLogs());
        }
        Assert.Equal("eeeee", File.ReadAllText(dir.File("app.log")));
        Assert.Equal("ddddd", File.ReadAllText(dir.File("app.log.1")));
        Assert.Equal("ccccc", File.ReadAllText(dir.File("app.log.2")));
        Assert.False(File.Exists(dir.File("app.log.3")));
    }

    [Fact]
    public void ExplicitRotateWorksWithAutomaticRotationDisabled()
    {
        using var dir = new TempDirectory();
        using (var log = new LogFile("app.log", dir.Path, rotateLength: null))
        {
            log.Write(new string('x', 5000));
            Assert.Empty(log.ListLogs());
            log.Rotate();
            log.Write("after");
            Assert.Equal(5, log.Size);
        }
        Assert.Equal(5000, new FileInfo(dir.File("app.log.1")).Length);
        Assert.Equal("after", File.ReadAllText(dir.File("app.log")));
    }

    [Fact]
    public void AppendsToExistingFileAndCountsItsSize()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.log"), "old!");
        using (var log = new LogFile("app.log", dir.Path, rotateLength: 6))
        {
            Assert.Equal(4, log.Size);
            log.Write("new");
            log.Write("next");
        }
        Assert.Equal("old!new", File.ReadAllText(dir.File("app.log.1")));
        Assert.Equal("next", File.ReadAllText(dir.File("app.log")));
    }

    [Fact]
    public void SizeCountsUtf8Bytes()
    {
        using var dir = new TempDirectory();
        using var log = new LogFile("app.log", dir.Path);
        log.Write("é€");
        Assert.Equal(5, log.Size);
    }

    [Fact]
    public void ListLogsIgnoresUnrelatedNames()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("app.log.3"), "");
        File.WriteAllText(dir.File("app.log.x"), "");
        File.WriteAllText(dir.File("app.log.0"), "");
        File.WriteAllText(dir.File("other.log.1"), "");
        using var log = new LogFile("app.log", dir.Path);
        Assert.Equal([3], log.ListLogs());
    }

    [Fact]
    public void TextObserverWritesWholeEntriesAcrossRotations()
    {
        using var dir = new TempDirectory();
        using (var file = new LogFile("app.log", dir.Path, rotateLength: 100))
        {
            var log = new Logger("app", new TextFileLogObserver(file, timeZone: TimeZoneInfo.Utc));
            for (var i = 0; i < 20; i++)
            {
                log.Info("entry number {i}", ("i", i));
            }
        }
        var all = Directory.GetFiles(dir.Path).SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(20, all.Count);
        Assert.All(all, l => Assert.Matches(@"^\S+ \[app#info\] entry number \d+$", l));
        Assert.True(Directory.GetFiles(dir.Path).Length > 2);
    }

    [Fact]
    public void DisposedFileRejectsWrites()
    {
        using var dir = new TempDirectory();
        var log = new LogFile("app.log", dir.Path);
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.Write("x"));
    }

    [Fact]
    public void DefaultModeIsAppliedToNewFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix permissions only");
            return;
        }
        using var dir = new TempDirectory();
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var log = new LogFile("app.log", dir.Path, rotateLength: 1, defaultMode: mode);
        log.Write("a");
        log.Write("b");
        Assert.Equal(mode, File.GetUnixFileMode(dir.File("app.log")));
        Assert.Equal(mode, File.GetUnixFileMode(dir.File("app.log.1")));
    }
}
