using System.Data.Common;

namespace Torsion.Enterprise.Tests;

/// <summary>A provider that makes no commands (DbProviderFactory's default): nothing to look at.</summary>
internal sealed class NoCommandFactory : DbProviderFactory
{
    public static readonly NoCommandFactory Instance = new();
}
