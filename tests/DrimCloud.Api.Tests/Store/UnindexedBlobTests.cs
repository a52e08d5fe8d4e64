using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Api.Infrastructure;
using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Domain.Tenants;
using DrimCloud.Storage;
using DrimCloud.Storage.FileSystem;
using DrimCloud.Tests;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrimCloud.Api.Tests.Store;

/// <summary>
/// A blob already at an instance's key without index row is either a concurrent store that has not committed its
/// rows yet, or the leftover of a crash. A recent one must never be deleted (its rows may be about to commit: deleting
/// it would leave a row without blob); only an old one is replaced.
/// </summary>
public sealed class UnindexedBlobTests : IAsyncLifetime
{
    private readonly StoreTestBed _bed = new();
    private readonly string _sample = SampleFiles.Path("cwil/CTImage.dcm");

    public Task InitializeAsync() => _bed.InitializeAsync();

    public Task DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_recent_unindexed_blob_is_kept_and_the_store_is_answered_with_a_retryable_failure()
    {
        var orphan = await PlaceUnindexedBlobAsync(age: TimeSpan.FromSeconds(1));

        var (outcome, indexed) = await StoreSampleAsync();

        Assert.Equal(StoreFailureReason.ProcessingFailure, outcome.FailureReason);
        Assert.Contains("in progress", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(0, indexed);
        Assert.Equal("not the instance"u8.ToArray(), await File.ReadAllBytesAsync(orphan));
    }

    [Fact]
    public async Task An_old_unindexed_blob_is_a_crash_leftover_and_is_replaced()
    {
        var orphan = await PlaceUnindexedBlobAsync(age: InstanceIngestor.InFlightWindow + TimeSpan.FromMinutes(1));

        var (outcome, indexed) = await StoreSampleAsync();

        Assert.True(outcome.Stored, outcome.Detail);
        Assert.Equal(1, indexed);
        Assert.Equal(await File.ReadAllBytesAsync(_sample), await File.ReadAllBytesAsync(orphan));
    }

    private async Task<string> PlaceUnindexedBlobAsync(TimeSpan age)
    {
        using var file = DicomFile.Open(_sample, new DicomReadOptions { StopBeforeTag = DicomTag.PixelData });
        string Uid(DicomTag tag) => file.Dataset.GetString(tag)!.Trim().TrimEnd('\0');
        var key = Domain.Imaging.Instance.BlobKeyFor(Uid(DicomTags.StudyInstanceUID), Uid(DicomTags.SeriesInstanceUID), Uid(DicomTags.SOPInstanceUID));
        await _bed.Blobs.CreateAsync(_bed.Container, key, new MemoryStream("not the instance"u8.ToArray()));
        var path = Path.Combine(_bed.Blobs.Root, _bed.Container, key);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    private async Task<(StoreOutcome Outcome, int Indexed)> StoreSampleAsync()
    {
        await using var db = _bed.ForTenant();
        var audit = _bed.Audit();
        var session = _bed.Session(db, audit);
        var ingestor = new InstanceIngestor(_bed.Blobs, db, session, NullLogger<InstanceIngestor>.Instance);
        await using (var part = File.OpenRead(_sample))
            await ingestor.StoreAsync(_bed.Tenant, part, null, CancellationToken.None);
        await session.CompleteAsync(_ => audit.Describe("instance.store", null, "test"), CancellationToken.None);
        return (Assert.Single(session.Outcomes), await db.Instances.CountAsync());
    }
}
