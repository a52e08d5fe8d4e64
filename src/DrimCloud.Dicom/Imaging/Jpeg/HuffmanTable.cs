namespace DrimCloud.Dicom.Imaging.Jpeg;

/// <summary>
/// A Huffman table built for the symbols one image actually uses (ITU-T T.81 Annex K.2): code lengths from the
/// symbol frequencies, limited to 16 bits (K.3 "Adjust_BITS"), no code made only of 1-bits (a reserved symbol
/// takes it and is dropped), then canonical codes as in Annex C. Optimal tables save 5–10 % over the example
/// tables and leave nothing to copy by hand.
/// </summary>
internal sealed class HuffmanTable
{
    private const int Reserved = 256;

    private HuffmanTable(byte[] bits, byte[] values)
    {
        Bits = bits;
        Values = values;
        Codes = new ushort[256];
        Lengths = new byte[256];
        var code = 0;
        var k = 0;
        for (var length = 1; length <= 16; length++)
        {
            for (var i = 0; i < bits[length - 1]; i++, k++)
            {
                Codes[values[k]] = (ushort)code++;
                Lengths[values[k]] = (byte)length;
            }
            code <<= 1;
        }
    }

    /// <summary>BITS: how many codes of each length 1‥16.</summary>
    public byte[] Bits { get; }

    /// <summary>HUFFVAL: the symbols in order of increasing code length.</summary>
    public byte[] Values { get; }

    public ushort[] Codes { get; }

    public byte[] Lengths { get; }

    public static HuffmanTable FromFrequencies(ReadOnlySpan<long> symbolFrequencies)
    {
        var frequency = new long[257];
        symbolFrequencies[..256].CopyTo(frequency);
        frequency[Reserved] = 1;
        var codeSize = CodeSizes(frequency);

        var bits = new int[33];
        for (var symbol = 0; symbol <= Reserved; symbol++)
        {
            if (codeSize[symbol] > 0) bits[codeSize[symbol]]++;
        }
        LimitToSixteen(bits);

        var values = new List<byte>();
        for (var size = 1; size <= 32; size++)
        {
            for (var symbol = 0; symbol < Reserved; symbol++)
            {
                if (codeSize[symbol] == size) values.Add((byte)symbol);
            }
        }
        var counts = new byte[16];
        for (var i = 0; i < 16; i++) counts[i] = (byte)bits[i + 1];
        return new HuffmanTable(counts, [.. values]);
    }

    /// <summary>Figure K.1: repeatedly merge the two least frequent trees, lengthening every code in both by one bit.</summary>
    private static int[] CodeSizes(long[] frequency)
    {
        var codeSize = new int[257];
        var others = new int[257];
        Array.Fill(others, -1);
        while (true)
        {
            var v1 = Least(frequency, exclude: -1);
            var v2 = Least(frequency, exclude: v1);
            if (v2 < 0) return codeSize;
            frequency[v1] += frequency[v2];
            frequency[v2] = 0;
            codeSize[v1]++;
            while (others[v1] >= 0)
            {
                v1 = others[v1];
                codeSize[v1]++;
            }
            others[v1] = v2;
            codeSize[v2]++;
            while (others[v2] >= 0)
            {
                v2 = others[v2];
                codeSize[v2]++;
            }
        }
    }

    /// <summary>The symbol with the smallest non-zero frequency, the largest symbol on ties (as Figure K.1 asks).</summary>
    private static int Least(long[] frequency, int exclude)
    {
        var best = -1;
        for (var v = 0; v < frequency.Length; v++)
        {
            if (v == exclude || frequency[v] == 0) continue;
            if (best < 0 || frequency[v] <= frequency[best]) best = v;
        }
        return best;
    }

    /// <summary>Figure K.3: move codes longer than 16 bits up the tree, then drop the reserved (longest) code.</summary>
    private static void LimitToSixteen(int[] bits)
    {
        for (var i = 32; i > 16; i--)
        {
            while (bits[i] > 0)
            {
                var j = i - 2;
                while (bits[j] == 0) j--;
                bits[i] -= 2;
                bits[i - 1]++;
                bits[j + 1] += 2;
                bits[j]--;
            }
        }
        var longest = 16;
        while (bits[longest] == 0) longest--;
        bits[longest]--;
    }
}
