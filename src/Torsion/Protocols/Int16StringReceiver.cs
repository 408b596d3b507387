namespace Torsion.Protocols;

/// <summary>
/// A receiver of strings prefixed by their length as a 16-bit unsigned big-endian integer
/// (Twisted's <c>Int16StringReceiver</c>, struct format <c>!H</c>). Override
/// <see cref="IntNStringReceiver.StringReceived"/>.
/// </summary>
public abstract class Int16StringReceiver : IntNStringReceiver
{
    /// <summary>Creates a receiver with 2-byte length prefixes.</summary>
    protected Int16StringReceiver() : base(2) { }
}
