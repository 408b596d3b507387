using Torsion.Internet;

namespace Torsion.Testing;

/// <summary>One <see cref="IReactorProcess.SpawnProcess"/> call recorded by a <see cref="MemoryReactor"/>, with the fake transport it returned.</summary>
/// <param name="Protocol">The process protocol passed (already connected to <paramref name="Transport"/>).</param>
/// <param name="Executable">The executable passed.</param>
/// <param name="Args">The argument vector passed, if any.</param>
/// <param name="Env">The environment passed, if any.</param>
/// <param name="Path">The working directory passed, if any.</param>
/// <param name="Uid">The user id passed, if any.</param>
/// <param name="Gid">The group id passed, if any.</param>
/// <param name="UsePty">Whether a pseudo-terminal was asked for.</param>
/// <param name="ChildFds">The descriptor mapping passed, if any.</param>
/// <param name="Transport">The transport returned: drive the "child" through it.</param>
public sealed record ProcessRecord(
    ProcessProtocol Protocol,
    string Executable,
    IReadOnlyList<string>? Args,
    IReadOnlyDictionary<string, string>? Env,
    string? Path,
    int? Uid,
    int? Gid,
    bool UsePty,
    IReadOnlyDictionary<int, ChildFd>? ChildFds,
    MemoryProcessTransport Transport);
