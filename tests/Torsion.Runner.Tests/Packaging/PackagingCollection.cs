namespace Torsion.Runner.Tests.Packaging;

/// <summary>
/// The packaging tests share one <c>dotnet pack</c> of the repository (<see cref="PackedRepository"/>) and
/// run one at a time, alone in this assembly: each builds or installs with dotnet, which is slow and
/// would only slow the others on two cores.
/// </summary>
[CollectionDefinition(nameof(PackagingCollection), DisableParallelization = true)]
public sealed class PackagingCollection : ICollectionFixture<PackedRepository>
{
}
