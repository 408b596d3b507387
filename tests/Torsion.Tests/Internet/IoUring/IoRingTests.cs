using System.Net;
using System.Net.Sockets;
using System.Text;
using Torsion.Internet;
using Torsion.TestSupport;

namespace Torsion.Tests.Internet.IoUring;

/// <summary>
/// The io_uring ring on its own, against the running kernel: submissions, completions, the wait
/// timeout, a wake-up from another thread, and the multishot operations the backend is built on.
/// </summary>
public sealed unsafe class IoRingTests
{
    private static IoRing NewRing(uint entries = 8)
    {
        // Skips where io_uring is switched off, as the io_uring reactor theories do (tests/Shared/Backends.cs).
        Backends.Require(Reactors.Get("io_uring"));
        return new IoRing(entries, Uring.SetupSingleIssuer);
    }

    // Waits (bounded) until `count` completions have been reaped, returning them.
    private static List<Cqe> ReapAtLeast(IoRing ring, int count, int maxPasses = 50)
    {
        var got = new List<Cqe>();
        var buffer = new Cqe[64];
        for (var pass = 0; pass < maxPasses && got.Count < count; pass++)
        {
            ring.SubmitAndWait(200);
            var n = ring.Reap(buffer);
            got.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        return got;
    }

    [Fact]
    public void NopsCompleteWithTheirUserData()
    {
        using var ring = NewRing();
        for (ulong i = 1; i <= 3; i++)
        {
            ref var sqe = ref ring.NextSqe();
            sqe.Opcode = Uring.OpNop;
            sqe.UserData = i;
        }
        Assert.Equal(3u, ring.Unsubmitted);
        var done = ReapAtLeast(ring, 3);
        Assert.Equal([1UL, 2UL, 3UL], done.Select(c => c.UserData).Order());
        Assert.All(done, c => Assert.Equal(0, c.Res));
        Assert.Equal(0u, ring.Unsubmitted);
    }

    [Fact]
    public void MoreSubmissionsThanSlotsAreAllCompleted()
    {
        // 8 slots, 100 entries: a full ring submits what it holds before handing out another slot.
        using var ring = NewRing(8);
        var done = new List<Cqe>();
        var buffer = new Cqe[64];
        for (ulong i = 0; i < 100; i++)
        {
            ref var sqe = ref ring.NextSqe();
            sqe.Opcode = Uring.OpNop;
            sqe.UserData = i;
            if (ring.HasCompletions)
            {
                done.AddRange(buffer.AsSpan(0, ring.Reap(buffer)).ToArray());
            }
        }
        done.AddRange(ReapAtLeast(ring, 100 - done.Count));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (ulong)i), done.Select(c => c.UserData).Order());
    }

    [Fact]
    public void AWaitWithNothingInFlightReturnsEmptyAfterItsTimeout()
    {
        using var ring = NewRing();
        Assert.Equal(0, ring.SubmitAndWait(20));
        Assert.False(ring.HasCompletions);
        Assert.Equal(0, ring.Reap(new Cqe[4]));
    }

    [Fact]
    public void AnEventfdReadCompletesWhenAnotherThreadWrites()
    {
        using var ring = NewRing();
        var efd = LibC.EventFd(0, 0x80000 /* EFD_CLOEXEC */);
        Assert.True(efd >= 0);
        var value = stackalloc ulong[1];
        try
        {
            ref var sqe = ref ring.NextSqe();
            sqe.Opcode = Uring.OpRead;
            sqe.Fd = efd;
            sqe.Addr = (ulong)value;
            sqe.Len = 8;
            sqe.UserData = 42;
            ring.Submit();
            Assert.False(ring.HasCompletions);
            var writer = new Thread(() =>
            {
                ulong v = 7;
                LibC.Write(efd, (byte*)&v, 8);
            });
            writer.Start();
            var done = ReapAtLeast(ring, 1);
            writer.Join();
            var cqe = Assert.Single(done);
            Assert.Equal(42UL, cqe.UserData);
            Assert.Equal(8, cqe.Res);
            Assert.Equal(7UL, value[0]);
        }
        finally
        {
            LibC.Close(efd);
        }
    }

    [Fact]
    public void AMultishotPollReportsEachReadinessAndStaysArmed()
    {
        using var ring = NewRing();
        var fds = stackalloc int[2];
        Assert.Equal(0, LibC.Pipe2(fds, 0x80000 | 0x800));
        try
        {
            ref var sqe = ref ring.NextSqe();
            sqe.Opcode = Uring.OpPollAdd;
            sqe.Fd = fds[0];
            sqe.Len = Uring.PollAddMulti;
            sqe.OpFlags = 0x001; // POLLIN
            sqe.UserData = 5;
            ring.Submit();
            byte b = 1;
            LibC.Write(fds[1], &b, 1);
            var first = Assert.Single(ReapAtLeast(ring, 1));
            Assert.Equal(5UL, first.UserData);
            Assert.True((first.Res & 0x001) != 0);
            Assert.True((first.Flags & Uring.CqeMore) != 0, "a multishot poll stays armed");
            // Drain and make it readable again: the same request reports again, nothing resubmitted.
            LibC.Read(fds[0], &b, 1);
            LibC.Write(fds[1], &b, 1);
            var second = Assert.Single(ReapAtLeast(ring, 1));
            Assert.Equal(5UL, second.UserData);
        }
        finally
        {
            LibC.Close(fds[0]);
            LibC.Close(fds[1]);
        }
    }

    [Fact]
    public void MultishotAcceptAndMultishotReceiveIntoProvidedBuffers()
    {
        using var ring = NewRing(16);
        using var buffers = new BufferRing(ring, groupId: 1, count: 4, bufferSize: 4096);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        ref var accept = ref ring.NextSqe();
        accept.Opcode = Uring.OpAccept;
        accept.Fd = (int)listener.Handle;
        accept.IoPrio = Uring.AcceptMultishot;
        accept.OpFlags = 0x80000; // SOCK_CLOEXEC
        accept.UserData = 1;
        ring.Submit();

        var clients = new List<Socket>();
        var accepted = new List<int>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(c);
                c.Connect(IPAddress.Loopback, port);
            }
            foreach (var cqe in ReapAtLeast(ring, 3))
            {
                Assert.Equal(1UL, cqe.UserData);
                Assert.True(cqe.Res >= 0, "accept failed: errno " + -cqe.Res);
                Assert.True((cqe.Flags & Uring.CqeMore) != 0, "a multishot accept stays armed");
                accepted.Add(cqe.Res);
            }
            Assert.Equal(3, accepted.Count);

            // Which accepted descriptor is which client: match by peer port.
            var server = accepted.Single(fd => ((IPEndPoint)PosixSocket.GetPeerName(fd)).Port == ((IPEndPoint)clients[0].LocalEndPoint!).Port);
            ref var recv = ref ring.NextSqe();
            recv.Opcode = Uring.OpRecv;
            recv.Fd = server;
            recv.IoPrio = Uring.RecvMultishot;
            recv.Flags = Uring.SqeBufferSelect;
            recv.BufIndex = buffers.GroupId;
            recv.UserData = 2;
            ring.Submit();

            foreach (var word in new[] { "hello", "world" })
            {
                clients[0].Send(Encoding.ASCII.GetBytes(word));
                var cqe = Assert.Single(ReapAtLeast(ring, 1));
                Assert.Equal(2UL, cqe.UserData);
                Assert.Equal(word.Length, cqe.Res);
                Assert.True((cqe.Flags & Uring.CqeBuffer) != 0, "the kernel picked a provided buffer");
                var bid = (ushort)(cqe.Flags >> Uring.CqeBufferShift);
                Assert.Equal(word, Encoding.ASCII.GetString(buffers.Data(bid, cqe.Res)));
                buffers.Recycle(bid);
                buffers.Publish();
            }

            // End of file ends the multishot receive: res 0 without F_MORE.
            clients[0].Shutdown(SocketShutdown.Send);
            var eof = Assert.Single(ReapAtLeast(ring, 1));
            Assert.Equal(0, eof.Res);
            Assert.Equal(0u, eof.Flags & Uring.CqeMore);
        }
        finally
        {
            foreach (var fd in accepted)
            {
                LibC.Close(fd);
            }
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public void ASetupFailureIsReportedWithItsReason()
    {
        var why = UringProbe.UnsupportedReason(static () => throw new SystemCallException("io_uring_setup", Errno.EPERM));
        Assert.NotNull(why);
        Assert.Contains("not permitted", why);
        Assert.Contains("io_uring_disabled", why);
        Assert.Contains("no io_uring", UringProbe.UnsupportedReason(static () => throw new SystemCallException("io_uring_setup", Errno.ENOSYS)));
        Assert.Contains("RLIMIT_MEMLOCK", UringProbe.UnsupportedReason(static () => throw new SystemCallException("io_uring_setup", Errno.ENOMEM)));
    }

    [Fact]
    public void ChoosingAnUnavailableBackendNamesTheReason()
    {
        // The registry entry's probe, with the failure injected: Create refuses and says why.
        var info = new ReactorInfo("io_uring", "test", () => UringProbe.UnsupportedReason(static () => throw new SystemCallException("io_uring_setup", Errno.EPERM)), _ => throw new InvalidOperationException("must not be created"));
        var e = Assert.Throws<PlatformNotSupportedException>(() => info.Create());
        Assert.Contains("io_uring_disabled", e.Message);
    }
}
