namespace Torsion.Protocols;

/// <summary>
/// A receiver of strings prefixed by their length as an 8-bit unsigned big-endian integer
/// (Twisted's <c>Int8StringReceiver</c>, struct format <c>!B</c>). Override
/// <see cref="IntNStringReceiver.StringReceived"/>.
/// </summary>
public abstract class Int8StringReceiver : IntNStringReceiver
{
    /// <summary>Creates a receiver with 1-byte length prefixes.</summary>
    protected Int8StringReceiver() : base(1) { }
}
