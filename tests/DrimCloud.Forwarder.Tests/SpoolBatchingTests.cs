using DrimCloud.Dicom;
using DrimCloud.Dicom.Network;
using DrimCloud.Forwarder.Spool;

namespace DrimCloud.Forwarder.Tests;

/// <summary>
/// While a study is still arriving, a batch below the limits is held back (so a burst goes in full batches); it goes
/// once its study has been quiet for a while, or once its oldest instance has waited long enough.
/// </summary>
public sealed class SpoolBatchingTests : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"spool-batch-test-{Guid.NewGuid():N}");
    private readonly ManualClock _clock = new();

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    private static BatchLimits Limits(int maxInstances = 5) => new(maxInstances, long.MaxValue, Quiet, MaxWait);

    private async Task AddAsync(DicomSpool spool, string study, string sop)
    {
        var d = new DicomDataset();
        d.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        d.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        using var body = new MemoryStream();
        DicomWriter.WriteDataset(d, body, DicomTransferSyntax.ExplicitVRLittleEndian);
        await spool.AddAsync(Part10Meta.Build("1.2.840.10008.5.1.4.1.1.7", sop, KnownTransferSyntaxes.ExplicitVRLittleEndian),
            new MemoryStream(body.ToArray()), sop, CancellationToken.None);
    }

    [Fact]
    public async Task A_partial_batch_waits_while_its_study_arrives_and_goes_once_it_is_quiet()
    {
        using var spool = DicomSpool.Open(_folder, _clock);
        for (var i = 1; i <= 3; i++)
        {
            await AddAsync(spool, "1.2.3", $"1.2.3.{i}");
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }
        Assert.Null(spool.TakeBatch(Limits(), out var retryIn));
        Assert.Equal(Quiet - TimeSpan.FromMilliseconds(10), retryIn); // quiet 100 ms after the newest arrival
        _clock.Advance(retryIn);
        Assert.Equal(3, spool.TakeBatch(Limits(), out _)!.Count);
        Assert.Null(spool.TakeBatch(Limits(), out retryIn));
        Assert.Equal(TimeSpan.Zero, retryIn); // nothing waiting
    }

    [Fact]
    public async Task A_full_batch_goes_at_once_and_the_rest_waits()
    {
        using var spool = DicomSpool.Open(_folder, _clock);
        for (var i = 1; i <= 7; i++) await AddAsync(spool, "1.2.3", $"1.2.3.{i}");
        Assert.Equal(5, spool.TakeBatch(Limits(), out _)!.Count);
        Assert.Null(spool.TakeBatch(Limits(), out _));
        _clock.Advance(Quiet);
        Assert.Equal(2, spool.TakeBatch(Limits(), out _)!.Count);
    }

    [Fact]
    public async Task A_steady_trickle_is_sent_at_the_latest_after_the_maximum_wait()
    {
        using var spool = DicomSpool.Open(_folder, _clock);
        var i = 0;
        while (_clock.Elapsed < MaxWait)
        {
            await AddAsync(spool, "1.2.3", $"1.2.3.{++i}");
            Assert.Null(spool.TakeBatch(Limits(100), out _));
            _clock.Advance(TimeSpan.FromMilliseconds(50)); // never quiet for 100 ms
        }
        Assert.Equal(i, spool.TakeBatch(Limits(100), out _)!.Count);
    }

    [Fact]
    public async Task Another_study_that_is_ready_goes_while_a_held_one_waits_and_zero_times_send_at_once()
    {
        using var spool = DicomSpool.Open(_folder, _clock);
        await AddAsync(spool, "1.2.3", "1.2.3.1");
        _clock.Advance(Quiet);
        await AddAsync(spool, "1.2.4", "1.2.4.1"); // still arriving
        var first = spool.TakeBatch(Limits(), out _)!;
        Assert.Equal("1.2.3.1", Assert.Single(first).SopInstanceUid);
        Assert.Null(spool.TakeBatch(Limits(), out var retryIn));
        Assert.Equal(Quiet, retryIn);
        Assert.Equal("1.2.4.1", Assert.Single(spool.TakeBatch(5, long.MaxValue)!).SopInstanceUid);
    }

    [Fact]
    public async Task Instances_recovered_at_start_are_not_held()
    {
        using (var spool = DicomSpool.Open(_folder, _clock))
            await AddAsync(spool, "1.2.3", "1.2.3.1");
        _clock.Advance(Quiet); // restarted a moment later: their arrival time is the one in the journal
        using var reopened = DicomSpool.Open(_folder, _clock);
        Assert.Single(reopened.TakeBatch(Limits(), out _)!);
    }

    [Fact]
    public async Task The_rest_of_a_quiet_study_is_shared_among_the_uploaders()
    {
        using var spool = DicomSpool.Open(_folder, _clock);
        for (var i = 1; i <= 60; i++) await AddAsync(spool, "1.2.3", $"1.2.3.{i}");
        _clock.Advance(Quiet);
        var spread = Limits(100) with { Spread = 4 };
        var sizes = new List<int>();
        while (spool.TakeBatch(spread, out _) is { } batch) sizes.Add(batch.Count);
        Assert.Equal([15, 12, 10, 10, 10, 3], sizes); // a quarter of what is left each time, but at least 10
        // A full batch is never split, nor a small remainder.
        for (var i = 1; i <= 7; i++) await AddAsync(spool, "1.2.4", $"1.2.4.{i}");
        Assert.Equal(5, spool.TakeBatch(Limits(5) with { Spread = 4 }, out _)!.Count);
        _clock.Advance(Quiet);
        Assert.Equal(2, spool.TakeBatch(Limits(5) with { Spread = 4 }, out _)!.Count);
    }

    private sealed class ManualClock : TimeProvider
    {
        private static readonly DateTimeOffset Start = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

        public TimeSpan Elapsed { get; private set; }

        public void Advance(TimeSpan by) => Elapsed += by;

        public override DateTimeOffset GetUtcNow() => Start + Elapsed;
    }
}
