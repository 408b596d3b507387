using System.Data.Common;

namespace Torsion.Enterprise.Tests;

/// <summary>A provider whose commands only have ADO.NET's default (synchronous) asynchronous methods.</summary>
internal sealed class SynchronousOnlyFactory : DbProviderFactory
{
    public static readonly SynchronousOnlyFactory Instance = new();

    public override DbCommand CreateCommand() => new SynchronousOnlyCommand();
}
