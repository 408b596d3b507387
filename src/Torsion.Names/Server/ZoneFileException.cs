namespace Torsion.Names.Server;

/// <summary>
/// A zone file could not be read: its message names the file and the line, as
/// <c>named-checkzone</c> does (<c>example.com.zone:12: unknown type 'AAA'</c>).
/// </summary>
public sealed class ZoneFileException : FormatException
{
    /// <summary>Creates the exception for a problem at <paramref name="line"/> of <paramref name="fileName"/>.</summary>
    public ZoneFileException(string fileName, int line, string message, Exception? innerException = null)
        : base(line > 0 ? $"{fileName}:{line}: {message}" : $"{fileName}: {message}", innerException)
    {
        FileName = fileName;
        Line = line;
        Reason = message;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ZoneFileException(string message) : base(message) => Reason = message;

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ZoneFileException(string message, Exception innerException) : base(message, innerException) => Reason = message;

    /// <summary>Creates the exception with no detail.</summary>
    public ZoneFileException() => Reason = Message;

    /// <summary>The file (as it was named to the parser), when known.</summary>
    public string? FileName { get; }

    /// <summary>The line the faulty entry starts on (1-based); 0 when the problem is not on one line.</summary>
    public int Line { get; }

    /// <summary>The problem, without the file and line.</summary>
    public string Reason { get; }
}
