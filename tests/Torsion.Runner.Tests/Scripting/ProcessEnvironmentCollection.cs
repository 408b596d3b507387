namespace Torsion.Runner.Tests.Scripting;

/// <summary>
/// Tests that set environment variables (PORT for the example scripts) run alone: the environment is
/// process-wide, so a parallel test would see, or clobber, their values.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process-environment";
}
