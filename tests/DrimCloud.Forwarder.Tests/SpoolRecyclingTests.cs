using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Tests;

/// <summary>
/// Confirmed spool files are emptied and reused for new instances (no inode allocation per instance). Reuse must
/// never leak old bytes into a new instance, and must not change what recovery keeps or discards.
/// </summary>
public sealed class SpoolRecyclingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"spool-recycle-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    private string Recycled => Path.Combine(_folder, "recycled");

    private static (byte[] Header, byte[] DataSet) Instance(string sop, int pixels)
    {
        var d = new DicomDataset();
        d.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        d.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.3");
        d.SetRaw(DicomTag.PixelData, DicomVR.OB, Enumerable.Range(0, pixels).Select(i => (byte)(i + sop.Length)).ToArray());
        using var body = new MemoryStream();
        DicomWriter.WriteDataset(d, body, DicomTransferSyntax.ExplicitVRLittleEndian);
        return (Part10Meta.Build("1.2.840.10008.5.1.4.1.1.7", sop, KnownTransferSyntaxes.ExplicitVRLittleEndian), body.ToArray());
    }

    private static async Task<(SpoolEntry Entry, byte[] Bytes)> AddAsync(DicomSpool spool, string sop, int pixels)
    {
        var (header, data) = Instance(sop, pixels);
        var entry = await spool.AddAsync(header, new MemoryStream(data), sop, CancellationToken.None);
        return (entry, [.. header, .. data]);
    }

    [Fact]
    public async Task A_confirmed_file_is_kept_and_reused_in_place_and_reads_back_as_the_new_instance_only()
    {
        using var spool = DicomSpool.Open(_folder);
        // Larger than a few early-writeback strides: the file is still exactly what was received.
        var (first, firstBytes) = await AddAsync(spool, "1.2.3.1", 3 * EarlyWriteback.Stride + 12_345);
        Assert.Equal(firstBytes, await SpoolInstanceBytes.ReadAsync(first));
        var inode = FileId(spool.PathOf(first));
        await spool.ConfirmAsync([first]);
        Assert.False(File.Exists(spool.PathOf(first)));
        var spare = Assert.Single(Directory.GetFiles(Recycled));
        // Small enough to keep its blocks: the next instance overwrites them.
        Assert.Equal(firstBytes.Length, new FileInfo(spare).Length);

        var (small, expected) = await AddAsync(spool, "1.2.3.2", 100);
        // Written in place, under the spare's (durable) name: nothing new in objects/; the old bytes past its end are
        // not part of it (read to its length, as the uploader does).
        Assert.Equal(spare, spool.PathOf(small));
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "objects")));
        Assert.Equal(expected, await SpoolInstanceBytes.ReadAsync(small));
        if (inode is not null) Assert.Equal(inode, FileId(spool.PathOf(small))); // the same file

        // Confirmed again, it stays where it is and is the next instance's file once more.
        await spool.ConfirmAsync([small]);
        Assert.Equal([spare], Directory.GetFiles(Recycled));
        var (third, thirdBytes) = await AddAsync(spool, "1.2.3.3", 50);
        Assert.Equal(spare, spool.PathOf(third));
        Assert.Equal(thirdBytes, await SpoolInstanceBytes.ReadAsync(third));
    }

    [Fact]
    public async Task A_confirmed_file_larger_than_the_kept_size_is_emptied()
    {
        using var spool = DicomSpool.Open(_folder);
        var (big, _) = await AddAsync(spool, "1.2.3.1", (int)SpoolFilePool.KeepBlocksUpTo + 12_345);
        await spool.ConfirmAsync([big]);
        var spare = Assert.Single(Directory.GetFiles(Recycled));
        Assert.Equal(0, new FileInfo(spare).Length); // the pool holds no large instance's disk space
        var (next, expected) = await AddAsync(spool, "1.2.3.2", 100);
        Assert.Equal(spare, spool.PathOf(next));
        Assert.Equal(expected, await SpoolInstanceBytes.ReadAsync(next));
    }

    [Fact]
    public async Task Spares_survive_a_restart_and_one_left_with_content_by_a_crash_is_reused()
    {
        using (var spool = DicomSpool.Open(_folder))
        {
            var (a, _) = await AddAsync(spool, "1.2.3.1", 1000);
            await spool.ConfirmAsync([a]);
        }
        // A crash between the move into recycled/ and the truncation leaves old bytes in a spare.
        var spare = Assert.Single(Directory.GetFiles(Recycled));
        await File.WriteAllBytesAsync(spare, new byte[300_000]);
        // Strangers in recycled/ are not spares.
        await File.WriteAllTextAsync(Path.Combine(Recycled, "notes.txt"), "x");

        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(0, reopened.Recovery.Pending);
        Assert.Equal([spare], Directory.GetFiles(Recycled));
        var (b, expected) = await AddAsync(reopened, "1.2.3.2", 100);
        Assert.Equal(expected, await SpoolInstanceBytes.ReadAsync(b));
        Assert.Equal(expected.Length, b.Length);
    }

    [Fact]
    public async Task A_refused_instance_in_a_reused_file_leaves_no_file_and_pending_ones_survive_a_restart()
    {
        using (var spool = DicomSpool.Open(_folder))
        {
            var (a, _) = await AddAsync(spool, "1.2.3.1", 1000);
            await spool.ConfirmAsync([a]);
            var d = new DicomDataset();
            d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3.9"); // no Study Instance UID
            using var body = new MemoryStream();
            DicomWriter.WriteDataset(d, body, DicomTransferSyntax.ExplicitVRLittleEndian);
            await Assert.ThrowsAsync<SpoolRefusedException>(() => spool.AddAsync(
                Part10Meta.Build("1.2.840.10008.5.1.4.1.1.7", "1.2.3.9", KnownTransferSyntaxes.ExplicitVRLittleEndian), new MemoryStream(body.ToArray()), "1.2.3.9", CancellationToken.None));
            Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "objects")));
            for (var i = 2; i <= 4; i++) await AddAsync(spool, $"1.2.3.{i}", 500);
        }
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(3, reopened.Recovery.Pending);
        Assert.Equal(0, reopened.Recovery.DiscardedFiles);
    }

    [Fact]
    public async Task The_pool_is_bounded_and_the_rest_is_deleted()
    {
        using var spool = DicomSpool.Open(_folder);
        var entries = new List<SpoolEntry>();
        for (var i = 0; i < SpoolFilePool.Capacity + 5; i++) entries.Add((await AddAsync(spool, $"1.2.3.{i}", 10)).Entry);
        await spool.ConfirmAsync(entries);
        Assert.Equal(SpoolFilePool.Capacity, Directory.GetFiles(Recycled).Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "objects")));
    }

    /// <summary>The inode number on Linux (to see the same file reused); null elsewhere.</summary>
    private static long? FileId(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return long.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
