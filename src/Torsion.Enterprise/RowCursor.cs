namespace Torsion.Enterprise;

/// <summary>
/// The rows of a transaction's last statement and how far they have been fetched: what
/// <see cref="Transaction"/> and <see cref="AsyncTransaction"/> share behind FetchOne and FetchAll.
/// </summary>
internal sealed class RowCursor
{
    // Never added to: replaced by each statement's rows, so one empty list serves every cursor.
    private static readonly List<object?[]> NoRows = new();

    private List<object?[]> _rows = NoRows;
    private int _next;

    /// <summary>Replaces the rows with those of a new statement.</summary>
    internal void Load(List<object?[]> rows)
    {
        _rows = rows;
        _next = 0;
    }

    /// <summary>The next row, or null when there is none left.</summary>
    internal object?[]? FetchOne() => _next < _rows.Count ? _rows[_next++] : null;

    /// <summary>The rows not fetched yet.</summary>
    internal IReadOnlyList<object?[]> FetchAll()
    {
        if (_next >= _rows.Count)
        {
            return Array.Empty<object?[]>();
        }
        if (_next == 0)
        {
            // All of them: hand over the list itself rather than a copy.
            var all = _rows;
            _rows = NoRows;
            return all;
        }
        var rest = _rows.GetRange(_next, _rows.Count - _next);
        _next = _rows.Count;
        return rest;
    }
}
