namespace Torsion.Tests.Logging;

/// <summary>Tests that touch <see cref="Torsion.Logging.GlobalLog"/>'s process-wide state run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalLogCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "GlobalLog";
}
