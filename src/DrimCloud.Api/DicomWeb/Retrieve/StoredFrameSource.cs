using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>Frames and headers of the current tenant's stored instances (see <see cref="IFrameSource"/>).</summary>
public sealed class StoredFrameSource(DrimCloudDbContext db, IBlobStore blobs, ITenantContext tenant) : IFrameSource
{
    private static readonly DicomReadOptions HeaderOptions = new()
    {
        StopBeforeTag = DicomTag.PixelData,
        LargeValues = LargeValueMode.Skip,
    };

    public Task<StoredInstanceRef?> FindInstanceAsync(string study, string series, string sop, CancellationToken cancellationToken) =>
        db.Instances.AsNoTracking()
            .Where(i => i.SopInstanceUid == sop && i.Series!.SeriesInstanceUid == series && i.Series.Study!.StudyInstanceUid == study)
            .Select(i => new StoredInstanceRef(i.Id, study, series, sop, i.SopClassUid, i.TransferSyntaxUid, i.BlobKey, i.SizeBytes, i.NumberOfFrames, i.FrameIndex, i.BitsAllocated))
            .SingleOrDefaultAsync(cancellationToken);

    public async Task<Stream?> OpenFrameAsync(StoredInstanceRef instance, int frameNumber, CancellationToken cancellationToken)
    {
        if (instance.FrameIndex is null) throw new FrameIndexUnavailableException(instance.SopInstanceUid);
        var index = FrameIndex.Deserialize(instance.FrameIndex);
        if (frameNumber < 1 || frameNumber > index.Frames.Count) return null;
        var ranges = index.Frames[frameNumber - 1];
        var container = Container;
        if (ranges.Length == 1) return await blobs.OpenReadAsync(container, instance.BlobKey, ranges[0].Offset, ranges[0].Length, cancellationToken);
        return new ConcatenatedRangeStream(ranges, range => blobs.OpenReadAsync(container, instance.BlobKey, range.Offset, range.Length, cancellationToken));
    }

    public async Task<DicomFile> ReadHeaderAsync(StoredInstanceRef instance, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(Container, instance.BlobKey, cancellationToken: cancellationToken);
        try
        {
            return await DicomFile.ReadAsync(stream, HeaderOptions, cancellationToken);
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private string Container => BlobNames.ContainerFor(tenant.TenantId ?? throw new InvalidOperationException("No tenant."));
}
