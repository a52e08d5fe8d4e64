using System.Text;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Tests;

public sealed class Crc32CTests
{
    [Theory]
    // Check values of CRC-32C (Castagnoli, reflected, init and xor-out 0xFFFFFFFF): RFC 3720 appendix B.4 and the
    // catalogue's "123456789".
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("", 0x00000000u)]
    public void Known_values(string text, uint expected) => Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Thirty_two_bytes_of_zeros_and_of_ones_give_the_iscsi_check_values()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void Appending_in_pieces_gives_the_checksum_of_the_whole_for_any_split()
    {
        // Property over random data and cuts: pieces of every length exercise both the 8-byte instruction path and
        // the byte-table path for the remainders, and the state carried between them.
        var random = new Random(20261129);
        for (var round = 0; round < 300; round++)
        {
            var data = new byte[random.Next(0, 5000)];
            random.NextBytes(data);
            var whole = Crc32C.Compute(data);
            var pieces = new Crc32C();
            for (var at = 0; at < data.Length;)
            {
                var n = Math.Min(random.Next(0, 40), data.Length - at);
                pieces.Append(data.AsSpan(at, n));
                at += n;
            }
            Assert.Equal(whole, pieces.Value);
            if (data.Length > 0)
            {
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                Assert.NotEqual(whole, Crc32C.Compute(data)); // any one-bit change is detected
            }
        }
    }
}
