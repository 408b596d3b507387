using Microsoft.Data.Sqlite;
using Npgsql;

namespace Torsion.Enterprise.Tests;

/// <summary>Which providers' asynchronous API the pool uses (ConnectionPool.ProviderIsAsynchronous).</summary>
public sealed class ProviderAsyncTests
{
    [Fact]
    public void NpgsqlWaitsWithoutAThread() => Assert.True(ProviderAsync.IsAsynchronous(NpgsqlFactory.Instance));

    [Fact]
    public void SqliteIsKnownToRunItsAsyncMethodsSynchronously() => Assert.False(ProviderAsync.IsAsynchronous(SqliteFactory.Instance));

    [Fact]
    public void AProviderThatKeepsAdoNetsDefaultAsyncMethodsIsSynchronous() =>
        Assert.False(ProviderAsync.IsAsynchronous(SynchronousOnlyFactory.Instance));

    [Fact]
    public void AProviderThatMakesNoCommandsIsTakenAtItsWord()
    {
        Assert.True(ProviderAsync.IsAsynchronous(NoCommandFactory.Instance));
        Assert.True(ProviderAsync.IsAsynchronous(ThrowingCommandFactory.Instance));
    }
}
