using Torsion.Internet;

namespace Torsion.Bench.Server;

/// <summary>Writes the poem (shared, never copied per connection) and closes.</summary>
internal sealed class Poetry(byte[] poem) : Protocol
{
    public override void ConnectionMade()
    {
        Transport.Write(poem);
        Transport.LoseConnection();
    }
}
