using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary><see cref="ConnectionPool.RunInteraction{T}"/>: the caller's function in a transaction.</summary>
internal sealed class InteractionWork<T> : TransactionWork<T>
{
    private readonly Func<Transaction, T> _interaction;

    public InteractionWork(ConnectionPool pool, Func<Transaction, T> interaction) : base(pool)
    {
        _interaction = interaction;
    }

    protected override T Interact(DbConnection connection, DbTransaction transaction) => _interaction(new Transaction(connection, transaction));
}
