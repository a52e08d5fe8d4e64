using System.Diagnostics;
using DrimCloud.Dicom.Multipart;
using static DrimCloud.Dicom.Network.Tests.Multipart.MultipartTestHelpers;

namespace DrimCloud.Dicom.Network.Tests.Multipart;

/// <summary>
/// Seeded, time-bounded property and fuzz tests: the seed of a failing case is in the assertion message, so a
/// failure can be replayed by running that seed alone.
/// </summary>
public class MultipartPropertyTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Random_bodies_round_trip_whatever_the_read_split()
    {
        var clock = Stopwatch.StartNew();
        var cases = 0;
        for (var seed = 1; clock.Elapsed < Budget || cases < 50; seed++, cases++)
        {
            var random = new Random(seed);
            var boundary = RandomBoundary(random);
            var parts = Enumerable.Range(0, random.Next(0, 5))
                .Select(_ => ($"application/x-{random.Next(100)}", RandomContent(random, boundary), random.Next(2) == 0))
                .ToList();
            var body = await WriteAsync(boundary, parts);

            var reader = new MultipartReader(new TrickleStream(body, random, maxChunk: random.Next(1, 3000)), boundary, new MultipartReaderOptions { BufferSize = random.Next(1, 9000) });
            var read = await ReadAllAsync(reader, random);

            Assert.True(parts.Count == read.Count, $"seed {seed}: part count");
            for (var i = 0; i < parts.Count; i++)
            {
                Assert.True(parts[i].Item2.AsSpan().SequenceEqual(read[i].Body), $"seed {seed}: part {i} body differs");
                Assert.Equal(parts[i].Item1, read[i].Headers.ContentType);
            }
        }
    }

    [Fact]
    public async Task Mutated_bodies_give_parts_or_a_typed_error_never_anything_else()
    {
        var clock = Stopwatch.StartNew();
        var cases = 0;
        for (var seed = 1; clock.Elapsed < Budget || cases < 200; seed++, cases++)
        {
            var random = new Random(seed);
            var boundary = RandomBoundary(random);
            var body = await WriteAsync(boundary, [("a/b", RandomContent(random, boundary), true), ("c/d", RandomContent(random, boundary), false)]);
            var mutated = Mutate(body, random);

            try
            {
                await ReadAllAsync(new MultipartReader(new TrickleStream(mutated, random, 500), boundary), random);
            }
            catch (MultipartFormatException)
            {
                // The only acceptable failure.
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private static string RandomBoundary(Random random)
    {
        const string chars = "abcXYZ0129'()+_,-./:=? ";
        var length = random.Next(1, 71);
        var boundary = new string(Enumerable.Range(0, length).Select(_ => chars[random.Next(chars.Length)]).ToArray()).TrimEnd();
        return boundary.Length == 0 ? "x" : boundary;
    }

    /// <summary>Random bytes salted with CR, LF, dashes and near-copies of the delimiter, which stress the scanner.</summary>
    private static byte[] RandomContent(Random random, string boundary)
    {
        var content = new List<byte>();
        var length = random.Next(0, 20_000);
        var nearDelimiter = Ascii("\r\n--" + boundary);
        while (content.Count < length)
        {
            switch (random.Next(6))
            {
                case 0:
                    // A delimiter prefix, never the whole delimiter followed by a terminator.
                    content.AddRange(nearDelimiter[..random.Next(1, nearDelimiter.Length)]);
                    break;
                case 1:
                    content.AddRange(nearDelimiter);
                    content.Add((byte)'x');
                    break;
                case 2:
                    content.AddRange(Ascii("\r\n"));
                    break;
                default:
                    var chunk = new byte[random.Next(1, 2000)];
                    random.NextBytes(chunk);
                    content.AddRange(chunk);
                    break;
            }
        }
        // Random bytes could in theory form a real delimiter; such a case is not a valid body to round trip.
        var bytes = content.ToArray();
        return ContainsDelimiter(bytes, nearDelimiter) ? [] : bytes;
    }

    private static bool ContainsDelimiter(byte[] content, byte[] delimiter)
    {
        var span = content.AsSpan();
        for (var index = span.IndexOf(delimiter); index >= 0; index = span.IndexOf(delimiter))
        {
            var after = index + delimiter.Length;
            if (after >= span.Length || span[after] is (byte)'-' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                return true;
            span = span[(index + 1)..];
        }
        return false;
    }

    private static byte[] Mutate(byte[] body, Random random)
    {
        var bytes = body.ToList();
        for (var i = random.Next(1, 6); i > 0 && bytes.Count > 0; i--)
        {
            var position = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[position] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(position, Math.Min(bytes.Count - position, random.Next(1, 50)));
                    break;
                case 2:
                    bytes.InsertRange(position, Ascii(random.Next(2) == 0 ? "\r\n" : "--"));
                    break;
                default:
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
            }
        }
        return [.. bytes];
    }
}
