namespace Torsion.Internet;

/// <summary>
/// The io_uring backend's registry entry. Available where <see cref="UringProbe"/> finds a kernel
/// with what it needs; elsewhere <see cref="ReactorInfo.UnsupportedReason"/> says why, and choosing
/// it explicitly fails with that reason.
/// </summary>
internal static class UringBackend
{
    internal static ReactorInfo IoUring { get; } = new(
        "io_uring",
        "io_uring(7) loop: one ring per loop, every readiness request and the wait in one io_uring_enter per pass",
        UringProbe.UnsupportedReason,
        static t => new PosixReactor("io_uring", new UringPoller(), t));
}
