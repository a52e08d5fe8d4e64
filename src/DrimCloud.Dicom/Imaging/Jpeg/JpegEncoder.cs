using System.Buffers;
using System.Buffers.Binary;

namespace DrimCloud.Dicom.Imaging.Jpeg;

/// <summary>
/// A baseline sequential JPEG encoder (ITU-T T.81 process 1) for <see cref="DisplayImage"/>: one gray component, or
/// RGB converted to JFIF YCbCr without chroma subsampling (4:4:4 keeps fine color detail such as annotations in
/// ultrasound). Two passes: the quantized blocks are computed and counted first, then written with Huffman tables
/// made for this image (<see cref="HuffmanTable"/>). Output is a JFIF file any browser decodes.
/// </summary>
public static class JpegEncoder
{
    public const string MediaType = "image/jpeg";

    public const int DefaultQuality = 90;

    public static byte[] Encode(DisplayImage image, int quality = DefaultQuality)
    {
        using var output = new MemoryStream();
        Encode(image, output, quality);
        return output.ToArray();
    }

    public static void Encode(DisplayImage image, Stream output, int quality = DefaultQuality)
    {
        var components = image.Channels;
        var tables = new[] { QuantizationTables.Luminance(quality), QuantizationTables.Chrominance(quality) };
        var blocksWide = (image.Width + 7) / 8;
        var blocksHigh = (image.Height + 7) / 8;
        var blockCount = blocksWide * blocksHigh * components;

        var coefficients = ArrayPool<short>.Shared.Rent(blockCount * 64);
        try
        {
            var plan = new BlockPlan(blocksWide, blocksHigh, components);
            QuantizeAll(image, plan, tables, coefficients);
            var huffman = BuildTables(plan, coefficients);

            WriteHeaders(output, image, tables, huffman);
            var writer = new EntropyWriter(output);
            EncodeScan(plan, coefficients, huffman, writer);
            writer.Flush();
            WriteMarker(output, 0xD9); // EOI
        }
        finally
        {
            ArrayPool<short>.Shared.Return(coefficients);
        }
    }

    /// <summary>Blocks in scan order: for each 8×8 area (rows of blocks, left to right), one block per component.</summary>
    private readonly record struct BlockPlan(int BlocksWide, int BlocksHigh, int Components)
    {
        public int Count => BlocksWide * BlocksHigh * Components;

        /// <summary>0 for luminance tables, 1 for chrominance.</summary>
        public int TableOf(int block) => block % Components == 0 ? 0 : 1;
    }

    private static void QuantizeAll(DisplayImage image, BlockPlan plan, byte[][] tables, short[] coefficients)
    {
        Span<float> samples = stackalloc float[64 * 3];
        var reciprocals = tables.Select(t => t.Select(q => 1f / q).ToArray()).ToArray();
        var block = 0;
        for (var by = 0; by < plan.BlocksHigh; by++)
        {
            for (var bx = 0; bx < plan.BlocksWide; bx++)
            {
                LoadArea(image, bx * 8, by * 8, samples);
                for (var c = 0; c < plan.Components; c++, block++)
                {
                    var component = samples.Slice(c * 64, 64);
                    ForwardDct.Transform(component);
                    var table = reciprocals[plan.TableOf(block)];
                    var output = coefficients.AsSpan(block * 64, 64);
                    for (var k = 0; k < 64; k++)
                    {
                        var natural = ZigZag.Natural[k];
                        output[k] = (short)MathF.Round(component[natural] * table[natural], MidpointRounding.AwayFromZero);
                    }
                }
            }
        }
    }

    /// <summary>An 8×8 area as level-shifted samples per component (Y, Cb, Cr for color); edges repeat the last row and column.</summary>
    private static void LoadArea(DisplayImage image, int left, int top, Span<float> samples)
    {
        var pixels = image.Pixels;
        for (var y = 0; y < 8; y++)
        {
            var row = Math.Min(top + y, image.Height - 1) * image.Stride;
            for (var x = 0; x < 8; x++)
            {
                var at = row + Math.Min(left + x, image.Width - 1) * image.Channels;
                var i = y * 8 + x;
                if (image.Channels == 1)
                {
                    samples[i] = pixels[at] - 128f;
                    continue;
                }
                float r = pixels[at], g = pixels[at + 1], b = pixels[at + 2];
                samples[i] = 0.299f * r + 0.587f * g + 0.114f * b - 128f;
                samples[64 + i] = -0.168736f * r - 0.331264f * g + 0.5f * b;
                samples[128 + i] = 0.5f * r - 0.418688f * g - 0.081312f * b;
            }
        }
    }

    /// <summary>Tables [luminance DC, luminance AC, chrominance DC, chrominance AC] from the symbols the scan will use.</summary>
    private static HuffmanTable[] BuildTables(BlockPlan plan, short[] coefficients)
    {
        var frequencies = new long[4][];
        for (var i = 0; i < 4; i++) frequencies[i] = new long[256];
        var previous = new int[plan.Components];
        for (var block = 0; block < plan.Count; block++)
        {
            var table = plan.TableOf(block);
            var component = block % plan.Components;
            ForEachSymbol(coefficients.AsSpan(block * 64, 64), ref previous[component],
                (isDc, symbol, _, _) => frequencies[table * 2 + (isDc ? 0 : 1)][symbol]++);
        }
        var count = plan.Components == 1 ? 2 : 4;
        return Enumerable.Range(0, count).Select(i => HuffmanTable.FromFrequencies(frequencies[i])).ToArray();
    }

    private static void EncodeScan(BlockPlan plan, short[] coefficients, HuffmanTable[] huffman, EntropyWriter writer)
    {
        var previous = new int[plan.Components];
        for (var block = 0; block < plan.Count; block++)
        {
            var table = plan.TableOf(block);
            var component = block % plan.Components;
            ForEachSymbol(coefficients.AsSpan(block * 64, 64), ref previous[component], (isDc, symbol, bits, length) =>
            {
                var codes = huffman[table * 2 + (isDc ? 0 : 1)];
                writer.Write(codes.Codes[symbol], codes.Lengths[symbol]);
                writer.Write(bits, length);
            });
        }
    }

    private delegate void SymbolSink(bool isDc, int symbol, int extraBits, int extraLength);

    /// <summary>
    /// The symbols of one block (T.81 §F.1.2): the DC difference's size category, then for each non-zero AC
    /// coefficient (run of zeros × 16 + size), with ZRL for runs over 15 and EOB when the block ends in zeros.
    /// </summary>
    private static void ForEachSymbol(ReadOnlySpan<short> block, ref int previousDc, SymbolSink sink)
    {
        var difference = block[0] - previousDc;
        previousDc = block[0];
        var size = SizeOf(difference);
        sink(true, size, Magnitude(difference, size), size);

        var run = 0;
        for (var k = 1; k < 64; k++)
        {
            int value = block[k];
            if (value == 0)
            {
                run++;
                continue;
            }
            while (run > 15)
            {
                sink(false, 0xF0, 0, 0);
                run -= 16;
            }
            size = SizeOf(value);
            sink(false, (run << 4) | size, Magnitude(value, size), size);
            run = 0;
        }
        if (run > 0) sink(false, 0x00, 0, 0);
    }

    private static int SizeOf(int value)
    {
        var magnitude = Math.Abs(value);
        var size = 0;
        while (magnitude > 0)
        {
            size++;
            magnitude >>= 1;
        }
        return size;
    }

    /// <summary>The additional bits of a value: itself when positive, value − 1 in <paramref name="size"/> bits when negative.</summary>
    private static int Magnitude(int value, int size) => value >= 0 ? value : value + (1 << size) - 1;

    private static void WriteHeaders(Stream output, DisplayImage image, byte[][] quantization, HuffmanTable[] huffman)
    {
        var color = image.Channels == 3;
        WriteMarker(output, 0xD8); // SOI

        // APP0 JFIF 1.01, no density, no thumbnail: tells decoders the components are YCbCr.
        WriteSegment(output, 0xE0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);

        var dqt = new List<byte>();
        for (var t = 0; t < (color ? 2 : 1); t++)
        {
            dqt.Add((byte)t); // 8-bit precision, table t
            for (var k = 0; k < 64; k++) dqt.Add(quantization[t][ZigZag.Natural[k]]);
        }
        WriteSegment(output, 0xDB, [.. dqt]);

        var sof = new List<byte> { 8 };
        sof.AddRange(BigEndian16(image.Height));
        sof.AddRange(BigEndian16(image.Width));
        sof.Add((byte)image.Channels);
        for (var c = 0; c < image.Channels; c++) sof.AddRange([(byte)(c + 1), 0x11, (byte)(c == 0 ? 0 : 1)]);
        WriteSegment(output, 0xC0, [.. sof]);

        var dht = new List<byte>();
        for (var i = 0; i < huffman.Length; i++)
        {
            var isAc = i % 2;
            var id = i / 2;
            dht.Add((byte)((isAc << 4) | id));
            dht.AddRange(huffman[i].Bits);
            dht.AddRange(huffman[i].Values);
        }
        WriteSegment(output, 0xC4, [.. dht]);

        var sos = new List<byte> { (byte)image.Channels };
        for (var c = 0; c < image.Channels; c++) sos.AddRange([(byte)(c + 1), (byte)(c == 0 ? 0x00 : 0x11)]);
        sos.AddRange([0, 63, 0]); // spectral selection 0‥63, no successive approximation
        WriteSegment(output, 0xDA, [.. sos]);
    }

    private static byte[] BigEndian16(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
        return bytes;
    }

    private static void WriteMarker(Stream output, byte marker)
    {
        output.WriteByte(0xFF);
        output.WriteByte(marker);
    }

    private static void WriteSegment(Stream output, byte marker, byte[] payload)
    {
        WriteMarker(output, marker);
        output.Write(BigEndian16(payload.Length + 2));
        output.Write(payload);
    }
}
