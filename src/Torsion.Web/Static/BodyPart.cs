namespace Torsion.Web.Static;

/// <summary>One piece of a file response: literal bytes (a multipart boundary and headers, or none) then <see cref="Count"/> file bytes from <see cref="Offset"/>.</summary>
internal sealed record BodyPart(byte[] Prefix, long Offset, long Count);
