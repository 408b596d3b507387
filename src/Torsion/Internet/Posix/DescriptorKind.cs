namespace Torsion.Internet;

/// <summary>What sort of file a descriptor refers to (the type bits of its <c>st_mode</c>).</summary>
internal enum DescriptorKind
{
    /// <summary>A pipe or FIFO.</summary>
    Fifo,

    /// <summary>A socket.</summary>
    Socket,

    /// <summary>A character device: a terminal, a pseudo-terminal, /dev/null.</summary>
    CharacterDevice,

    /// <summary>A regular file.</summary>
    RegularFile,

    /// <summary>Anything else (a directory, a block device).</summary>
    Other,
}
