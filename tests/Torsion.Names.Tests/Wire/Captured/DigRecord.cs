namespace Torsion.Names.Tests.Wire.Captured;

/// <summary>One record as dig prints it: owner, TTL, class, type and the RDATA's presentation text.</summary>
internal sealed record DigRecord(string Name, uint Ttl, string Class, string Type, string Data);
