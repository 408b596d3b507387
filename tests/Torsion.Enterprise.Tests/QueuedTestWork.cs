using System.Data.Common;
using Torsion.Internet;

namespace Torsion.Enterprise.Tests;

/// <summary>Work for the pool's queue alone (WaitingQueue): it is only queued and taken, never run; <see cref="N"/> tells pieces apart.</summary>
internal sealed class QueuedTestWork(int n) : QueuedWork
{
    public int N { get; } = n;

    public override void Start(DbConnection? connection) => throw new InvalidOperationException("queued only");

    public override bool TakeOver(DbConnection connection, WorkThread here) => throw new InvalidOperationException("queued only");

    public override bool RunsOnThread(WorkThread here) => false;

    public override QueuedWork? RunHere() => throw new InvalidOperationException("queued only");

    public override void Fail(Exception error) => throw new InvalidOperationException("queued only");

    internal override void RunCall() => throw new InvalidOperationException("queued only");
}
