using System.Text;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Tests;

/// <summary>The spool's promises: what was added survives a restart until confirmed; partial files are discarded; refusals are quarantined.</summary>
public sealed class SpoolTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"spool-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    private static (byte[] Header, byte[] DataSet) Instance(string study, string sop, int pixels = 64)
    {
        var d = new DicomDataset();
        d.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        if (study.Length > 0) d.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        d.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, study + ".9");
        d.SetRaw(DicomTag.PixelData, DicomVR.OB, new byte[pixels]);
        using var body = new MemoryStream();
        DicomWriter.WriteDataset(d, body, DicomTransferSyntax.ExplicitVRLittleEndian);
        return (Part10Meta.Build("1.2.840.10008.5.1.4.1.1.7", sop, KnownTransferSyntaxes.ExplicitVRLittleEndian), body.ToArray());
    }

    private static async Task<SpoolEntry> AddAsync(DicomSpool spool, string study, string sop)
    {
        var (header, data) = Instance(study, sop);
        return await spool.AddAsync(header, new MemoryStream(data), sop, CancellationToken.None);
    }

    [Fact]
    public async Task Added_instances_survive_a_restart_and_confirmed_ones_do_not_come_back()
    {
        using (var spool = DicomSpool.Open(_folder))
        {
            var a = await AddAsync(spool, "1.2.3", "1.2.3.1");
            await AddAsync(spool, "1.2.3", "1.2.3.2");
            await AddAsync(spool, "1.2.4", "1.2.4.1");
            var batch = spool.TakeBatch(10, long.MaxValue)!;
            Assert.Equal(["1.2.3.1", "1.2.3.2"], batch.Select(e => e.SopInstanceUid)); // one study per batch, oldest study first
            await spool.ConfirmAsync([a]);
            spool.Release(batch);
        }
        using (var reopened = DicomSpool.Open(_folder))
        {
            Assert.Equal(2, reopened.Recovery.Pending);
            Assert.Equal(2, reopened.Snapshot().PendingInstances);
            var all = new List<SpoolEntry>();
            while (reopened.TakeBatch(10, long.MaxValue) is { } b) all.AddRange(b);
            Assert.Equal(["1.2.3.2", "1.2.4.1"], all.Select(e => e.SopInstanceUid));
            var bytes = await File.ReadAllBytesAsync(reopened.PathOf(all[0]));
            Assert.Equal(Instance("1.2.3", "1.2.3.2").Header.Concat(Instance("1.2.3", "1.2.3.2").DataSet), bytes);
            // New ids never reuse old ones (their files were deleted, their journal lines are settled).
            var next = await AddAsync(reopened, "1.2.5", "1.2.5.1");
            Assert.True(next.Id > all.Max(e => e.Id));
        }
    }

    [Fact]
    public async Task A_file_without_journal_record_and_a_torn_journal_line_are_discarded_on_recovery()
    {
        using (var spool = DicomSpool.Open(_folder))
            await AddAsync(spool, "1.2.3", "1.2.3.1");
        // A transfer cut by a crash: file written, never journaled (so never acknowledged).
        await File.WriteAllBytesAsync(Path.Combine(_folder, "objects", "99.dcm"), new byte[100]);
        // A journal append cut mid-line.
        await File.AppendAllTextAsync(Path.Combine(_folder, "journal.log"), "A\t100\t0\t10\t1.2.3\t1.2.3");
        using (var reopened = DicomSpool.Open(_folder))
        {
            Assert.Equal(1, reopened.Recovery.Pending);
            Assert.Equal(1, reopened.Recovery.DiscardedFiles);
            Assert.Equal(1, reopened.Recovery.DamagedJournalLines);
            Assert.False(File.Exists(Path.Combine(_folder, "objects", "99.dcm")));
            // What is added after recovery is not glued to the torn line.
            await AddAsync(reopened, "1.2.3", "1.2.3.2");
        }
        using var again = DicomSpool.Open(_folder);
        Assert.Equal(2, again.Recovery.Pending);
        Assert.Equal(0, again.Recovery.DamagedJournalLines);
    }

    [Fact]
    public async Task A_corrupted_record_is_ignored_by_its_checksum()
    {
        var line = SpoolJournal.Format(new JournalRecord('A', 7, 1, 2, "1.2", "1.2.3"));
        Assert.NotNull(SpoolJournal.Parse(line.TrimEnd('\n')));
        Assert.Null(SpoolJournal.Parse(line.TrimEnd('\n').Replace("1.2.3", "1.2.4", StringComparison.Ordinal)));
        Assert.Null(SpoolJournal.Parse(""));
        Assert.Null(SpoolJournal.Parse("garbage\twith\ttabs"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task An_instance_without_study_uid_is_refused_and_leaves_no_file()
    {
        using var spool = DicomSpool.Open(_folder);
        var (header, data) = Instance("", "1.2.3.1");
        await Assert.ThrowsAsync<SpoolRefusedException>(() => spool.AddAsync(header, new MemoryStream(data), "1.2.3.1", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "objects")));
        Assert.Equal(0, spool.Snapshot().PendingInstances);
    }

    [Fact]
    public async Task A_broken_transfer_leaves_nothing_behind()
    {
        using var spool = DicomSpool.Open(_folder);
        var (header, data) = Instance("1.2.3", "1.2.3.1");
        await Assert.ThrowsAsync<IOException>(() => spool.AddAsync(header, new FailingStream(data[..20]), "1.2.3.1", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "objects")));
    }

    [Fact]
    public async Task A_refused_instance_is_quarantined_with_its_reason_and_stays_out_of_the_queue()
    {
        using (var spool = DicomSpool.Open(_folder))
        {
            var e = await AddAsync(spool, "1.2.3", "1.2.3.1");
            await spool.QuarantineAsync(e, "STOW-RS failure reason 0111: a different object is already stored");
            Assert.Equal(1, spool.Snapshot().QuarantinedInstances);
            Assert.Null(spool.TakeBatch(10, long.MaxValue));
        }
        Assert.Single(Directory.GetFiles(Path.Combine(_folder, "failed"), "*.dcm"));
        Assert.Contains("0111", await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(_folder, "failed"), "*.txt").Single()), StringComparison.Ordinal);
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(0, reopened.Recovery.Pending);
        Assert.Equal(1, reopened.Snapshot().QuarantinedInstances);
    }

    [Fact]
    public async Task Batches_respect_the_instance_and_byte_limits_and_in_flight_entries_are_not_taken_twice()
    {
        using var spool = DicomSpool.Open(_folder);
        for (var i = 1; i <= 5; i++) await AddAsync(spool, "1.2.3", $"1.2.3.{i}");
        var size = spool.Snapshot().PendingBytes / 5;
        var first = spool.TakeBatch(2, long.MaxValue)!;
        var second = spool.TakeBatch(10, size * 2)!;
        var third = spool.TakeBatch(10, 1)!; // smaller than one instance: still one, alone
        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Single(third);
        Assert.Null(spool.TakeBatch(10, long.MaxValue));
        Assert.Empty(first.Select(e => e.Id).Intersect(second.Select(e => e.Id)));
        spool.Release(second);
        Assert.Equal(second.Select(e => e.Id), spool.TakeBatch(10, long.MaxValue)!.Select(e => e.Id));
    }

    [Fact]
    public async Task Concurrent_adds_share_fsyncs_and_all_survive()
    {
        using (var spool = DicomSpool.Open(_folder))
            await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(() => AddAsync(spool, "1.2.3", $"1.2.3.{i}"))));
        using var reopened = DicomSpool.Open(_folder);
        Assert.Equal(64, reopened.Recovery.Pending);
    }

    [Fact]
    public async Task A_large_mostly_settled_journal_is_compacted()
    {
        var path = Path.Combine(Directory.CreateDirectory(_folder).FullName, "journal.log");
        using var journal = SpoolJournal.Open(path, () => { });
        var study = new string('1', 60);
        var id = 0L;
        while (journal.Length < SpoolJournal.CompactAbove)
        {
            journal.Append(new JournalRecord('A', ++id, 0, 100, study, study + ".1"));
            journal.Append(new JournalRecord('D', id));
        }
        journal.Append(new JournalRecord('A', ++id, 0, 100, study, study + ".2"));
        Assert.True(await journal.CompactIfLargeAsync());
        Assert.True(journal.Length < 1000);
        var records = SpoolJournal.Read(path, out var damaged);
        Assert.Equal(0, damaged);
        Assert.Equal(id, Assert.Single(records).Id);
        journal.Append(new JournalRecord('D', id));
        Assert.Equal(2, SpoolJournal.Read(path, out _).Count);
    }

    private sealed class FailingStream(byte[] prefix) : MemoryStream(prefix)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await base.ReadAsync(buffer, cancellationToken);
            return n > 0 ? n : throw new IOException("association aborted");
        }

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
            CopyLoopAsync(destination, cancellationToken);

        private async Task CopyLoopAsync(Stream destination, CancellationToken cancellationToken)
        {
            var buffer = new byte[8];
            int n;
            while ((n = await ReadAsync(buffer, cancellationToken)) > 0) await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }
    }

    [Fact]
    public async Task Instances_in_flight_are_skipped_released_ones_come_back_in_order_and_settled_ones_never()
    {
        using var spool = DicomSpool.Open(_folder);
        var added = new List<SpoolEntry>();
        for (var i = 1; i <= 6; i++) added.Add(await AddAsync(spool, "1.2.3", $"1.2.3.{i}"));
        var first = spool.TakeBatch(2, long.MaxValue)!;
        var second = spool.TakeBatch(2, long.MaxValue)!;
        Assert.Equal(["1.2.3.1", "1.2.3.2"], first.Select(e => e.SopInstanceUid));
        Assert.Equal(["1.2.3.3", "1.2.3.4"], second.Select(e => e.SopInstanceUid));
        Assert.Equal(4, spool.Snapshot().InFlightInstances);
        Assert.Equal(added[0].ReceivedAt, spool.Snapshot().OldestPendingReceivedAt);
        // One of the first batch was confirmed before the upload failed: only the other one comes back.
        await spool.ConfirmAsync([first[0]]);
        spool.Release(first);
        Assert.Equal(["1.2.3.2", "1.2.3.5", "1.2.3.6"], spool.TakeBatch(10, long.MaxValue)!.Select(e => e.SopInstanceUid));
        Assert.Null(spool.TakeBatch(10, long.MaxValue));
        Assert.Equal(5, spool.Snapshot().PendingInstances);
        Assert.Equal(1, spool.Snapshot().PendingStudies);
    }
}
