using System.IO.Compression;
using System.Text;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Tests;

/// <summary>
/// The spool reads the Study Instance UID while the instance streams to its file. It must keep exactly the bytes
/// received, find the same UID the file would give, and refuse exactly the instances the earlier read-back of the
/// written file refused (no valid Study Instance UID, or a header that does not parse).
/// </summary>
public sealed class SpoolStudyUidTests : IDisposable
{
    private const string CtImage = "1.2.840.10008.5.1.4.1.1.2";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"spool-uid-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    private static DicomDataset DataSet(string? study, int privateBlob = 0, int pixels = 4096)
    {
        var d = new DicomDataset();
        d.SetString(DicomTags.SOPClassUID, DicomVR.UI, CtImage);
        d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3.4.5");
        if (privateBlob > 0)
        {
            // A large value before the Study UID: the streaming parse reads past it, the file must still hold it.
            d.SetString(new DicomTag(0x0009, 0x0010), DicomVR.LO, "BENCH");
            d.SetRaw(new DicomTag(0x0009, 0x1001), DicomVR.OB, Enumerable.Range(0, privateBlob).Select(i => (byte)i).ToArray());
        }
        if (study is not null) d.SetRaw(DicomTags.StudyInstanceUID, DicomVR.UI, Encoding.ASCII.GetBytes(study));
        d.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, "1.2.3.4");
        d.SetRaw(DicomTag.PixelData, DicomVR.OW, Enumerable.Range(0, pixels).Select(i => (byte)(i * 7)).ToArray());
        return d;
    }

    private static byte[] Encode(DicomDataset d, string syntax)
    {
        using var body = new MemoryStream();
        if (syntax == KnownTransferSyntaxes.DeflatedExplicitVRLittleEndian)
        {
            using var plain = new MemoryStream();
            DicomWriter.WriteDataset(d, plain, DicomTransferSyntax.ExplicitVRLittleEndian);
            using (var deflate = new DeflateStream(body, CompressionLevel.Fastest, leaveOpen: true))
                deflate.Write(plain.ToArray());
            return body.ToArray();
        }
        DicomWriter.WriteDataset(d, body, DicomTransferSyntax.FromUid(syntax));
        return body.ToArray();
    }

    /// <summary>What the spool did before it parsed while streaming: write the file, then read its header back.</summary>
    private static string? StudyFromWrittenFile(byte[] header, byte[] data)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [.. header, .. data]);
            using var file = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData, LargeValues = LargeValueMode.Skip, LargeValueThreshold = 16 * 1024 });
            var study = file.Dataset.GetString(DicomTags.StudyInstanceUID)?.Trim().TrimEnd('\0').Trim();
            return string.IsNullOrEmpty(study) || study.Length > 64 || !study.All(c => char.IsAsciiDigit(c) || c == '.') ? null : study;
        }
        catch (DicomFormatException)
        {
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<string?> SpoolAsync(DicomSpool spool, byte[] header, Stream data)
    {
        var files = Directory.GetFiles(Path.Combine(_folder, "objects")).Length;
        try
        {
            var entry = await spool.AddAsync(header, data, "1.2.3.4.5", CancellationToken.None);
            return entry.StudyInstanceUid;
        }
        catch (SpoolRefusedException)
        {
            Assert.Equal(files, Directory.GetFiles(Path.Combine(_folder, "objects")).Length);
            return null;
        }
    }

    [Theory]
    [InlineData(KnownTransferSyntaxes.ExplicitVRLittleEndian)]
    [InlineData(KnownTransferSyntaxes.ImplicitVRLittleEndian)]
    [InlineData(KnownTransferSyntaxes.ExplicitVRBigEndian)]
    [InlineData(KnownTransferSyntaxes.DeflatedExplicitVRLittleEndian)]
    public async Task The_study_uid_is_read_while_streaming_and_the_file_holds_exactly_the_bytes_received(string syntax)
    {
        using var spool = DicomSpool.Open(_folder);
        var header = Part10Meta.Build(CtImage, "1.2.3.4.5", syntax);
        var data = Encode(DataSet("1.2.826.0.1.3680043.8.498.1\0", privateBlob: 20_000, pixels: 30_000), syntax);
        // Seven bytes at a time: the header parse and the copy after it must still hand over every byte once, in order.
        var entry = await spool.AddAsync(header, new TrickleStream(data), "1.2.3.4.5", CancellationToken.None);
        Assert.Equal("1.2.826.0.1.3680043.8.498.1", entry.StudyInstanceUid);
        byte[] received = [.. header, .. data];
        var written = await File.ReadAllBytesAsync(spool.PathOf(entry));
        Assert.Equal(received, written);
        Assert.Equal(header.Length + data.Length, entry.Length);
    }

    [Theory]
    [InlineData(null)] // absent
    [InlineData("")] // empty
    [InlineData("1.2.3.abc")] // not a UID
    [InlineData("1.2.3 4")]
    [InlineData("1.2.840.10008.1234567890.1234567890.1234567890.1234567890.1234567")] // 65 characters
    public async Task An_instance_without_a_valid_study_uid_is_refused_and_leaves_no_file(string? study)
    {
        using var spool = DicomSpool.Open(_folder);
        var header = Part10Meta.Build(CtImage, "1.2.3.4.5", KnownTransferSyntaxes.ExplicitVRLittleEndian);
        var data = Encode(DataSet(study), KnownTransferSyntaxes.ExplicitVRLittleEndian);
        var e = await Assert.ThrowsAsync<SpoolRefusedException>(() => spool.AddAsync(header, new MemoryStream(data), "1.2.3.4.5", CancellationToken.None));
        Assert.Contains("Study Instance UID", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "objects")));
        Assert.Equal(0, spool.Snapshot().PendingInstances);
    }

    [Fact]
    public async Task A_header_that_does_not_parse_is_refused_as_cannot_be_parsed()
    {
        using var spool = DicomSpool.Open(_folder);
        var header = Part10Meta.Build(CtImage, "1.2.3.4.5", KnownTransferSyntaxes.ExplicitVRLittleEndian);
        var data = Encode(DataSet("1.2.3"), KnownTransferSyntaxes.ExplicitVRLittleEndian);
        // The SOP Class UID's length (bytes 6-7) made to run past the end of the data.
        data[6] = 0xFF;
        data[7] = 0xFF;
        var e = await Assert.ThrowsAsync<SpoolRefusedException>(() => spool.AddAsync(header, new MemoryStream(data), "1.2.3.4.5", CancellationToken.None));
        Assert.Contains("cannot be parsed", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "objects")));
    }

    [Theory]
    [InlineData(KnownTransferSyntaxes.ExplicitVRLittleEndian)]
    [InlineData(KnownTransferSyntaxes.ImplicitVRLittleEndian)]
    public async Task Damaged_headers_get_the_same_verdict_as_reading_the_written_file_back(string syntax)
    {
        // Mutation fuzzing of the bytes before Pixel Data: whatever the damage, the instance is refused or accepted
        // with the same Study UID as the earlier read-back of the written file gave.
        using var spool = DicomSpool.Open(_folder);
        var header = Part10Meta.Build(CtImage, "1.2.3.4.5", syntax);
        var original = Encode(DataSet("1.2.826.0.1.3680043.8.498.77", privateBlob: 20_000, pixels: 2048), syntax);
        var pixelAt = original.Length - 2048 - 12;
        var random = new Random(20261129);
        var refused = 0;
        for (var round = 0; round < 300; round++)
        {
            var data = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                // Mostly the element headers and small values at the start, sometimes anywhere before the pixels.
                var at = random.Next(4) == 0 ? random.Next(pixelAt) : random.Next(Math.Min(200, pixelAt));
                data[at] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }
            var expected = StudyFromWrittenFile(header, data);
            var actual = await SpoolAsync(spool, header, new MemoryStream(data));
            Assert.True(expected == actual, $"round {round}: the file read back says {expected ?? "refused"}, the streaming spool {actual ?? "refused"}");
            if (actual is null) refused++;
        }
        // Both verdicts were exercised.
        Assert.InRange(refused, 30, 270);
    }

    /// <summary>A source that returns at most seven bytes per read, like a network delivering a dataset in tiny PDVs.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(7, buffer.Length)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(7, buffer.Length)], cancellationToken);

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
            CopyInSmallPiecesAsync(destination, cancellationToken);

        private async Task CopyInSmallPiecesAsync(Stream destination, CancellationToken cancellationToken)
        {
            var piece = new byte[7];
            int n;
            while ((n = await ReadAsync(piece, cancellationToken)) > 0) await destination.WriteAsync(piece.AsMemory(0, n), cancellationToken);
        }
    }
}
