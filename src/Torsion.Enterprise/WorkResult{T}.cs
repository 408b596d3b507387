using System.Data.Common;

namespace Torsion.Enterprise;

/// <summary>
/// What a worker hands back to the reactor thread: the value or the error, and the connection to keep
/// (null when it was discarded as broken or never opened).
/// </summary>
internal readonly record struct WorkResult<T>(T Value, Exception? Error, DbConnection? Connection);
