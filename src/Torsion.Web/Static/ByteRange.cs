namespace Torsion.Web.Static;

/// <summary>One satisfiable byte range of a file: <see cref="First"/> to <see cref="Last"/>, both included.</summary>
internal readonly record struct ByteRange(long First, long Last)
{
    /// <summary>How many bytes the range holds.</summary>
    internal long Length => Last - First + 1;
}
