namespace Torsion.Web.Client;

/// <summary>The reason a body protocol's ConnectionLost gets when a body framed by the connection's close ended (Twisted's <c>PotentialDataLoss</c>): all that was sent arrived, but a cut-off connection would look the same.</summary>
public sealed class PotentialDataLossException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public PotentialDataLossException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that caused it.</summary>
    public PotentialDataLossException(string message, Exception? inner) : base(message, inner) { }
}
