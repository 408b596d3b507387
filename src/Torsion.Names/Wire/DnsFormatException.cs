namespace Torsion.Names.Wire;

/// <summary>
/// The one exception for malformed DNS input: a packet, a name or a record that cannot be parsed
/// (twisted.names raises assorted errors here; a server answers FORMERR or drops the packet).
/// Parsing throws nothing else, whatever the bytes.
/// </summary>
public sealed class DnsFormatException : FormatException
{
    /// <summary>Creates the exception with a message saying what was wrong.</summary>
    public DnsFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with no message.</summary>
    public DnsFormatException() : base("Malformed DNS data.") { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DnsFormatException(string message, Exception innerException) : base(message, innerException) { }
}
