namespace Torsion.Internet;

/// <summary>A malformed endpoint description; the message names the bad part.</summary>
public sealed class EndpointSyntaxException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public EndpointSyntaxException(string description, string problem)
        : base($"Bad endpoint description '{description}': {problem}") => (Description, Problem) = (description, problem);

    /// <summary>The whole description.</summary>
    public string Description { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
