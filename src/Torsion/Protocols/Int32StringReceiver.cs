namespace Torsion.Protocols;

/// <summary>
/// A receiver of strings prefixed by their length as a 32-bit unsigned big-endian integer
/// (Twisted's <c>Int32StringReceiver</c>, struct format <c>!I</c>). Override
/// <see cref="IntNStringReceiver.StringReceived"/>.
/// </summary>
public abstract class Int32StringReceiver : IntNStringReceiver
{
    /// <summary>Creates a receiver with 4-byte length prefixes.</summary>
    protected Int32StringReceiver() : base(4) { }
}
