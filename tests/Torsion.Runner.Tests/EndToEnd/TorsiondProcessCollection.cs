namespace Torsion.Runner.Tests.EndToEnd;

/// <summary>
/// Tests that start torsiond processes run one at a time: each compiles or loads a script and
/// starts a runtime, and on two cores running them all at once only makes each slower.
/// </summary>
[CollectionDefinition(nameof(TorsiondProcessCollection), DisableParallelization = true)]
public sealed class TorsiondProcessCollection
{
}
