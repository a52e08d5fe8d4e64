using System.Buffers.Binary;
using System.IO.Compression;

namespace DrimCloud.Dicom.Imaging.Png;

/// <summary>
/// Writes a <see cref="DisplayImage"/> as an 8-bit grayscale or truecolor PNG (PNG specification, ISO/IEC 15948):
/// signature, IHDR, one IDAT holding the zlib stream of the filtered rows, IEND. Each row gets the filter whose
/// output has the smallest sum of absolute values (the usual heuristic), which helps DEFLATE a lot on medical images.
/// </summary>
public static class PngEncoder
{
    public const string MediaType = "image/png";

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(DisplayImage image, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        Encode(image, output, level);
        return output.ToArray();
    }

    public static void Encode(DisplayImage image, Stream output, CompressionLevel level = CompressionLevel.Fastest)
    {
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;                                  // bit depth
        header[9] = image.Channels == 1 ? (byte)0 : (byte)2; // color type: grayscale / truecolor
        header[10] = 0;                                 // compression method: deflate
        header[11] = 0;                                 // filter method: adaptive
        header[12] = 0;                                 // no interlace
        WriteChunk(output, "IHDR"u8, header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            WriteFilteredRows(image, zlib);
        }
        WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND"u8, []);
    }

    private static void WriteFilteredRows(DisplayImage image, Stream zlib)
    {
        var stride = image.Stride;
        var bpp = image.Channels;
        var candidates = new byte[5][];
        for (var f = 0; f < 5; f++)
        {
            candidates[f] = new byte[stride + 1];
            candidates[f][0] = (byte)f;
        }
        var zeros = new byte[stride];
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            var above = y > 0 ? image.Row(y - 1) : zeros;
            var best = 0;
            var bestScore = long.MaxValue;
            for (var f = 0; f < 5; f++)
            {
                var score = Filter(f, row, above, bpp, candidates[f].AsSpan(1));
                if (score < bestScore)
                {
                    bestScore = score;
                    best = f;
                }
            }
            zlib.Write(candidates[best]);
        }
    }

    /// <summary>Applies filter type <paramref name="type"/> (None, Sub, Up, Average, Paeth) and returns the sum of |signed output bytes|.</summary>
    private static long Filter(int type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int bpp, Span<byte> output)
    {
        long score = 0;
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0;
            int up = above[i];
            int upLeft = i >= bpp ? above[i - bpp] : 0;
            var predictor = type switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) >> 1,
                _ => Paeth(left, up, upLeft),
            };
            var value = (byte)(row[i] - predictor);
            output[i] = value;
            score += Math.Abs((int)(sbyte)value);
        }
        return score;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
