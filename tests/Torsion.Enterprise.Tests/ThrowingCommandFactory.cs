using System.Data.Common;

namespace Torsion.Enterprise.Tests;

/// <summary>A provider whose factory cannot make a command at all.</summary>
internal sealed class ThrowingCommandFactory : DbProviderFactory
{
    public static readonly ThrowingCommandFactory Instance = new();

    public override DbCommand CreateCommand() => throw new NotImplementedException("no commands here");
}
