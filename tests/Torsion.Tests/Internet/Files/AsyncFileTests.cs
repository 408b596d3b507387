using System.Diagnostics;
using System.Text;
using Torsion.Defer;
using Torsion.Internet;

namespace Torsion.Tests.Internet;

/// <summary>AsyncFile's whole-file reads and writes: results on the loop thread, errors as failures, the loop never blocked.</summary>
public sealed class AsyncFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torsion-asyncfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Typed as Deferred<Unit> so AddCallback picks its chaining overload (a plain Deferred would be passed on as a value).
    private static Deferred<Unit> Chained(Deferred d) => d;

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void WriteAppendAndReadBackFireOnTheLoopThread(string name)
    {
        var reactor = ReactorNames.Create(name);
        var path = Path.Combine(_dir, "notes.txt");
        var onLoop = new List<bool>();
        string? text = null;
        byte[]? bytes = null;
        ReactorRunner.Run(reactor, () =>
        {
            var base_ = (ReactorBase)reactor;
            AsyncFile.WriteAllBytes(reactor, path, "one\n"u8.ToArray())
                .AddCallback(_ =>
                {
                    onLoop.Add(base_.IsInLoopThread);
                    return Chained(AsyncFile.AppendAllText(reactor, path, "two\n"));
                })
                .AddCallback(_ =>
                {
                    onLoop.Add(base_.IsInLoopThread);
                    return Chained(AsyncFile.AppendAllBytes(reactor, path, "three\n"u8.ToArray()));
                })
                .AddCallback(_ => AsyncFile.ReadAllText(reactor, path))
                .AddCallback(t =>
                {
                    onLoop.Add(base_.IsInLoopThread);
                    text = t;
                    return AsyncFile.ReadAllBytes(reactor, path);
                })
                .AddCallback(b =>
                {
                    onLoop.Add(base_.IsInLoopThread);
                    bytes = b;
                    return Chained(AsyncFile.WriteAllText(reactor, path, "replaced"));
                })
                .AddBoth(reactor.Stop);
        });
        Assert.Equal("one\ntwo\nthree\n", text);
        Assert.Equal(Encoding.UTF8.GetBytes("one\ntwo\nthree\n"), bytes);
        Assert.Equal("replaced", File.ReadAllText(path));
        Assert.Equal([true, true, true, true], onLoop);
    }

    [Theory, MemberData(nameof(ReactorNames.All), MemberType = typeof(ReactorNames))]
    public void AMissingFileOrADirectoryFailsTheDeferred(string name)
    {
        var reactor = ReactorNames.Create(name);
        Failure? missing = null, directory = null, noFolder = null;
        ReactorRunner.Run(reactor, () =>
        {
            // The three run at once, finishing in any order: stop after the last.
            var left = 3;
            void Done()
            {
                if (--left == 0) reactor.Stop();
            }
            AsyncFile.ReadAllBytes(reactor, Path.Combine(_dir, "deleted.bin")).AddErrback(f =>
            {
                missing = f;
                return [];
            }).AddBoth(Done);
            AsyncFile.ReadAllText(reactor, _dir).AddErrback(f =>
            {
                directory = f;
                return "";
            }).AddBoth(Done);
            AsyncFile.WriteAllText(reactor, Path.Combine(_dir, "no", "such", "folder.txt"), "x").AddErrback(f =>
            {
                noFolder = f;
                return Unit.Value;
            }).AddBoth(Done);
        });
        Assert.IsType<FileNotFoundException>(missing!.Value);
        Assert.IsType<UnauthorizedAccessException>(directory!.Value);
        Assert.IsType<DirectoryNotFoundException>(noFolder!.Value);
    }

    [Fact]
    public void ABlockedOpenLeavesTheLoopRunningAndCancelFailsAtOnce()
    {
        // Opening a FIFO for reading blocks until a writer opens it: the worst case of a slow open.
        var fifo = Path.Combine(_dir, "fifo");
        var fifo2 = Path.Combine(_dir, "fifo2");
        using (var mk = Process.Start("mkfifo", [fifo, fifo2]))
        {
            mk.WaitForExit();
            Assert.Equal(0, mk.ExitCode);
        }
        var reactor = ReactorNames.Create("epoll");
        var ticks = 0;
        string? got = null;
        Failure? cancelled = null;
        ReactorRunner.Run(reactor, () =>
        {
            // A read of another FIFO, cancelled while it waits: it fails at once.
            var second = AsyncFile.ReadAllText(reactor, fifo2);
            second.AddErrback(f =>
            {
                cancelled = f;
                return "";
            });
            AsyncFile.ReadAllText(reactor, fifo).AddCallback(t =>
            {
                got = t;
                reactor.Stop();
            });
            Tick();
            void Tick()
            {
                // The loop runs timers while both reads wait; after five ticks a writer comes.
                if (++ticks == 5)
                {
                    second.Cancel();
                    reactor.CallInThread(() => File.WriteAllText(fifo, "through the fifo"));
                    // Frees the pool thread still blocked in the cancelled read's open.
                    reactor.CallInThread(() => File.WriteAllText(fifo2, ""));
                    return;
                }
                reactor.CallLater(0.01, Tick);
            }
        });
        Assert.Equal(5, ticks);
        Assert.Equal("through the fifo", got);
        Assert.IsType<CancelledException>(cancelled!.Value);
    }
}
