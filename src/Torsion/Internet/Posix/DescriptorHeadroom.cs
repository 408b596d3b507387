namespace Torsion.Internet;

/// <summary>Asks the kernel whether the process could open a few more descriptors, without keeping any.</summary>
internal static class DescriptorHeadroom
{
    private const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>
    /// Whether <paramref name="count"/> more descriptors could be opened now: duplicates
    /// <paramref name="fd"/> that many times, then closes the copies. Two system calls a descriptor,
    /// with no path lookup.
    /// </summary>
    internal static bool Has(int fd, int count)
    {
        Span<int> copies = stackalloc int[count];
        var made = 0;
        for (; made < count; made++)
        {
            var copy = LibC.Fcntl(fd, F_DUPFD_CLOEXEC, 0);
            if (copy < 0)
            {
                break;
            }
            copies[made] = copy;
        }
        for (var i = 0; i < made; i++)
        {
            LibC.Close(copies[i]);
        }
        return made == count;
    }
}
