namespace Torsion.Internet;

/// <summary>
/// A protocol that only stands between a transport and the user's protocol (an endpoint's connection
/// notifier, for example). Code that must reach the user's protocol itself — STARTTLS giving it the TLS
/// transport — looks through wrappers with this.
/// </summary>
internal interface IProtocolWrapper
{
    /// <summary>The protocol this one passes everything to.</summary>
    IProtocol Wrapped { get; }

    /// <summary>The user's protocol behind any wrappers of <paramref name="protocol"/> (a few levels at most).</summary>
    static IProtocol Innermost(IProtocol protocol)
    {
        for (var depth = 0; protocol is IProtocolWrapper wrapper && depth < 8; depth++)
        {
            protocol = wrapper.Wrapped;
        }
        return protocol;
    }
}
