namespace Torsion.Internet;

/// <summary>A connection attempt made through an endpoint was cancelled before it connected.</summary>
public sealed class ConnectingCancelledError : ConnectError
{
    /// <summary>Creates the exception for an attempt to <paramref name="address"/>.</summary>
    public ConnectingCancelledError(string address) : base($"Connecting to {address} was cancelled.") => Address = address;

    /// <summary>Where the attempt was going.</summary>
    public string Address { get; }
}
