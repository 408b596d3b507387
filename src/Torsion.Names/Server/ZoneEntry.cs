namespace Torsion.Names.Server;

/// <summary>
/// One logical entry of a zone file: its words (parentheses joined its physical lines, comments are
/// gone), the line it starts on, and whether that line began with a blank (the previous owner).
/// </summary>
internal sealed record ZoneEntry(int Line, bool BlankOwner, IReadOnlyList<ZoneToken> Tokens);
