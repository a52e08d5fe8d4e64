using System.Text.Json;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.RoundTrip;

/// <summary>Reading then writing a file in its own transfer syntax gives back the same bytes.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Files() => Samples.AllFiles();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Unchanged_file_is_written_back_byte_identical(string relativePath)
    {
        Samples.RequireRoot();
        var path = Samples.PathOf(relativePath);
        var (reads, complains, dcmtkSays) = Dcmtk.Dump(path);
        if (!reads)
        {
            // Broken files are covered by the conformance and bad-input tests: there is nothing to write back.
            Assert.Throws<DicomFormatException>(() => DicomFile.Open(path).Dispose());
            return;
        }

        var original = File.ReadAllBytes(path);
        byte[] written;
        using (var file = DicomFile.Open(path))
        {
            written = Write(file);
        }

        if (!complains)
        {
            AssertSameBytes(original, written, relativePath);
        }
        else
        {
            // DCMTK itself reports this file as non-conformant (e.g. a wrong meta group length, which we regenerate).
            // Then writing must at least be stable and keep every attribute.
            using var again = DicomFile.Read(new MemoryStream(written));
            AssertSameBytes(written, Write(again), relativePath + " (second write)");
            using var first = DicomFile.Open(path);
            var differences = JsonComparer.Compare(Json(first), Json(again));
            Assert.True(differences.Count == 0, $"{relativePath} (DCMTK: {dcmtkSays.Split('\n')[0]}):\n" + string.Join('\n', differences));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void File_read_from_a_non_seekable_stream_writes_the_same_bytes(string relativePath)
    {
        Samples.RequireRoot();
        var path = Samples.PathOf(relativePath);
        var sample = Samples.Get(relativePath);
        if (!sample.DcmtkReads)
        {
            return;
        }

        byte[] fromFile;
        using (var file = DicomFile.Open(path))
        {
            fromFile = Write(file);
        }

        using var stream = new NonSeekableStream(File.OpenRead(path), maxReadSize: 7919);
        using var streamed = DicomFile.Read(stream);
        Assert.False(streamed.HasValueSource);
        var fromStream = Write(streamed);
        if (streamed.TransferSyntax.IsDeflated)
        {
            // From a stream the compressed bytes cannot be copied back: the data set is recompressed, so compare the content.
            using var reread = DicomFile.Read(new MemoryStream(fromStream));
            Assert.Empty(JsonComparer.Compare(Json(DicomFile.Open(path)), Json(reread)));
            return;
        }

        AssertSameBytes(fromFile, fromStream, relativePath);
    }

    internal static byte[] Write(DicomFile file, DicomWriteOptions? options = null)
    {
        var output = new MemoryStream();
        DicomWriter.Write(file, output, options);
        return output.ToArray();
    }

    internal static JsonElement Json(DicomFile file) => JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset)).RootElement;

    private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var i = 0;
        while (i < Math.Min(expected.Length, actual.Length) && expected[i] == actual[i])
        {
            i++;
        }

        Assert.Fail($"{what}: first difference at byte {i} (expected {expected.Length} bytes, wrote {actual.Length})");
    }
}
