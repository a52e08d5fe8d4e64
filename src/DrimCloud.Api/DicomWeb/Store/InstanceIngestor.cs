using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Tenants;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// Stores one instance from a stream, in one pass and with bounded memory: parse the header (kept in memory, or in
/// a temp file if huge), then stream header + rest to the tenant's blob container under {study}/{series}/{sop} while
/// hashing it and locating its frames, then index it. The instance is visible only once its index rows commit; if
/// indexing fails the blob is deleted, and an interrupted upload never becomes a visible blob. Outcomes go to the
/// request's <see cref="StoreSession"/>, which commits the index rows (in groups).
/// </summary>
public sealed class InstanceIngestor(IBlobStore blobs, DrimCloudDbContext db, StoreSession session, ILogger<InstanceIngestor> logger)
{
    /// <summary>Stop the header parse in front of the pixel data; large values before it are skipped, not kept.</summary>
    private static readonly DicomReadOptions HeaderOptions = new()
    {
        StopBeforeTag = DicomTag.PixelData,
        LargeValues = LargeValueMode.Skip,
        LargeValueThreshold = 64 * 1024,
        LeaveOpen = true,
    };

    /// <summary>
    /// A blob without index row younger than this may belong to a concurrent store of the same instance, so it is
    /// never deleted; older, it is a leftover of a crash (a live store commits its rows within seconds).
    /// </summary>
    public static readonly TimeSpan InFlightWindow = TimeSpan.FromMinutes(2);

    public async Task StoreAsync(Tenant tenant, Stream part, string? requiredStudyUid, CancellationToken cancellationToken)
    {
        if (await StoreOrDeferAsync(tenant, part, requiredStudyUid, cancellationToken) is { } outcome) session.Add(outcome);
    }

    /// <returns>The outcome, or null when the instance's rows were handed to the session to commit.</returns>
    private async Task<StoreOutcome?> StoreOrDeferAsync(Tenant tenant, Stream part, string? requiredStudyUid, CancellationToken cancellationToken)
    {
        using var recording = new RecordingReadStream(part);
        DicomFile header;
        try
        {
            header = await DicomFile.ReadAsync(recording, HeaderOptions, cancellationToken);
        }
        catch (DicomFormatException e)
        {
            await DrainAsync(part, cancellationToken);
            return StoreOutcome.Failure(StoreFailureReason.CannotUnderstand, e.Message);
        }

        using (header)
        {
            var h = InstanceHeader.From(header);
            if (Validate(h, requiredStudyUid) is { } refused)
            {
                await DrainAsync(part, cancellationToken);
                return refused;
            }
            if (!header.TransferSyntax.IsKnown)
            {
                await DrainAsync(part, cancellationToken);
                return StoreOutcome.Failure(StoreFailureReason.TransferSyntaxNotSupported, $"Unknown transfer syntax {header.TransferSyntax.Uid}.", h);
            }

            var scanner = header.TransferSyntax.IsDeflated || !header.StoppedBeforeTag
                ? null
                : new PixelDataScanner(header.TransferSyntax, header.StopOffset);
            await using var upload = new IngestStream(recording.OpenRecorded(), part, scanner, scanner is null ? long.MaxValue : header.StopOffset);
            return await StoreParsedAsync(tenant, header, h, upload, scanner, cancellationToken);
        }
    }

    private async Task<StoreOutcome?> StoreParsedAsync(Tenant tenant, DicomFile header, InstanceHeader h, IngestStream upload,
        PixelDataScanner? scanner, CancellationToken cancellationToken)
    {
        var container = BlobNames.ContainerFor(tenant.Id);
        var key = Instance.BlobKeyFor(h.StudyInstanceUid!, h.SeriesInstanceUid!, h.SopInstanceUid!);

        // The same instance twice in one request: the first copy's rows must be committed to compare with them.
        if (session.IsPending(h.SopInstanceUid!)) await session.FlushAsync(cancellationToken);
        var existing = await ExistingAsync(h.SopInstanceUid!, cancellationToken);
        if (existing is not null)
            return await StoreOverExistingAsync(tenant, header, h, upload, scanner, existing, cancellationToken);

        // A blob without index row: a concurrent store of the same instance that has not indexed yet (its rows may
        // wait for the rest of their group), or one that a crash interrupted. A recent one is never deleted: wait for
        // its rows and compare; if they do not come, answer a processing failure (senders retry those) and leave it.
        // Only an old one is a crash's leftover, safe to replace.
        if (await blobs.GetInfoAsync(container, key, cancellationToken) is { } orphan)
        {
            if (DateTimeOffset.UtcNow - orphan.LastModified < InFlightWindow)
            {
                if (await WaitForIndexAsync(h.SopInstanceUid!, cancellationToken) is { } raced)
                    return await StoreOverExistingAsync(tenant, header, h, upload, scanner, raced, cancellationToken);
                await upload.DrainAsync(cancellationToken);
                return StoreOutcome.Failure(StoreFailureReason.ProcessingFailure,
                    "Another store of this instance is in progress (its blob is written, its index rows are not yet); send it again later.", h);
            }
            logger.LogWarning("Removing unindexed blob {Key} of tenant {Tenant} left by an interrupted store.", key, tenant.Slug);
            await blobs.DeleteAsync(container, key, cancellationToken);
        }

        StoredBlob blob;
        try
        {
            blob = await blobs.CreateAsync(container, key, upload, cancellationToken);
        }
        catch (BlobAlreadyExistsException)
        {
            // Lost a race with a concurrent store of the same instance: compare with what it indexed.
            if (!upload.Completed) await upload.DrainAsync(cancellationToken);
            var winner = await WaitForIndexAsync(h.SopInstanceUid!, cancellationToken);
            return winner is not null && winner.Sha256 == upload.Sha256
                ? StoreOutcome.Success(h, alreadyStored: true)
                : StoreOutcome.Failure(StoreFailureReason.DuplicateSopInstance, "A different object was stored concurrently under this SOP Instance UID.", h);
        }
        return await IndexAsync(container, header, h, blob.Key, blob.Length, blob.Sha256, scanner, replace: false, cancellationToken);
    }

    private async Task<StoreOutcome?> StoreOverExistingAsync(Tenant tenant, DicomFile header, InstanceHeader h, IngestStream upload,
        PixelDataScanner? scanner, InstanceDigest existing, CancellationToken cancellationToken)
    {
        if (!tenant.AllowInstanceOverwrite)
        {
            await upload.DrainAsync(cancellationToken);
            return upload.Sha256 == existing.Sha256
                ? StoreOutcome.Success(h, alreadyStored: true)
                : StoreOutcome.Failure(StoreFailureReason.DuplicateSopInstance,
                    "A different object is already stored under this SOP Instance UID.", h);
        }

        // Overwrite allowed: the new content goes to a new blob; the index switches to it, then the old blob goes.
        var container = BlobNames.ContainerFor(tenant.Id);
        var key = $"{Instance.BlobKeyFor(h.StudyInstanceUid!, h.SeriesInstanceUid!, h.SopInstanceUid!)}_r{Guid.NewGuid():N}";
        var blob = await blobs.CreateAsync(container, key, upload, cancellationToken);
        if (blob.Sha256 == existing.Sha256)
        {
            await blobs.DeleteAsync(container, key, cancellationToken);
            return StoreOutcome.Success(h, alreadyStored: true);
        }
        return await IndexAsync(container, header, h, blob.Key, blob.Length, blob.Sha256, scanner, replace: true, cancellationToken);
    }

    private async Task<StoreOutcome?> IndexAsync(string container, DicomFile header, InstanceHeader h, string key, long size, string sha256,
        PixelDataScanner? scanner, bool replace, CancellationToken cancellationToken)
    {
        var layout = scanner?.Complete();
        if (layout is { Truncated: true })
        {
            await blobs.DeleteAsync(container, key, CancellationToken.None);
            return StoreOutcome.Failure(StoreFailureReason.CannotUnderstand, "The pixel data ends before its declared length (truncated object).", h);
        }
        try
        {
            var frames = layout is null ? null : FrameIndex.Build(layout, new FrameIndex.ImageGeometry(
                h.NumberOfFrames ?? 1, h.Rows ?? 0, h.Columns ?? 0, h.SamplesPerPixel ?? 1, h.BitsAllocated ?? 0,
                ExtendedOffsets(header.Dataset)));
            var metadata = InstanceMetadataBuilder.Build(header, h, layout);
            var stored = new StoredInstance(key, size, sha256, frames?.Serialize(), metadata);
            // The session commits the rows (or removes the blob if they cannot be committed).
            await session.AddStoredAsync(container, h, stored, replace, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing half-stored: without its index row the blob must go too.
            logger.LogError(e, "Indexing {Sop} failed; removing its blob.", h.SopInstanceUid);
            await blobs.DeleteAsync(container, key, CancellationToken.None);
            return StoreOutcome.Failure(StoreFailureReason.ProcessingFailure, "The instance could not be indexed.", h);
        }
        catch (OperationCanceledException)
        {
            await blobs.DeleteAsync(container, key, CancellationToken.None);
            throw;
        }
    }

    private static StoreOutcome? Validate(InstanceHeader h, string? requiredStudyUid)
    {
        if (h.SopClassUid is null) return StoreOutcome.Failure(StoreFailureReason.SopClassNotSupported, "SOP Class UID (0008,0016) is missing.", h);
        foreach (var (name, uid) in new[] { ("SOP Instance UID (0008,0018)", h.SopInstanceUid), ("Study Instance UID (0020,000D)", h.StudyInstanceUid), ("Series Instance UID (0020,000E)", h.SeriesInstanceUid) })
        {
            if (uid is null) return StoreOutcome.Failure(StoreFailureReason.DataSetDoesNotMatch, $"{name} is missing.", h);
            if (!IsAcceptableUid(uid)) return StoreOutcome.Failure(StoreFailureReason.DataSetDoesNotMatch, $"{name} '{uid}' is not a valid UID.", h);
        }
        if (!IsAcceptableUid(h.SopClassUid)) return StoreOutcome.Failure(StoreFailureReason.SopClassNotSupported, $"SOP Class UID '{h.SopClassUid}' is not a valid UID.", h);
        if (requiredStudyUid is not null && requiredStudyUid != h.StudyInstanceUid)
            return StoreOutcome.Failure(StoreFailureReason.DataSetDoesNotMatch, $"Study Instance UID {h.StudyInstanceUid} does not match the request's {requiredStudyUid}.", h);
        return null;
    }

    /// <summary>
    /// UIDs as real modalities write them: PS3.5 forbids leading zeros in a component, but older equipment writes them
    /// and every PACS accepts them, so refusing them would lose real studies. Anything else invalid is refused: it could
    /// not be a storage key or be matched reliably.
    /// </summary>
    private static bool IsAcceptableUid(string uid) =>
        DicomUid.IsValid(uid) || (uid.Length <= DicomUid.MaxLength && uid.Split('.').All(c => c.Length > 0 && c.All(char.IsAsciiDigit)));

    private static ulong[]? ExtendedOffsets(DicomDataset d)
    {
        if (!d.TryGetElement(new DicomTag(0x7FE00001), out var eot) || !eot.IsInMemory) return null;
        var raw = eot.RawValue;
        var offsets = new ulong[raw.Length / 8];
        for (var i = 0; i < offsets.Length; i++) offsets[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(raw[(i * 8)..]);
        return offsets;
    }

    private Task<InstanceDigest?> ExistingAsync(string sop, CancellationToken cancellationToken) => IndexQueries.Existing(db, sop, cancellationToken);

    private async Task<InstanceDigest?> WaitForIndexAsync(string sop, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 50; i++)
        {
            if (await ExistingAsync(sop, cancellationToken) is { } found) return found;
            await Task.Delay(100, cancellationToken);
        }
        return null;
    }

    private static async Task DrainAsync(Stream part, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (await part.ReadAsync(buffer, cancellationToken) > 0) { }
    }
}
