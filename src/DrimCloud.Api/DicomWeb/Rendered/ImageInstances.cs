using System.Linq.Expressions;
using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Data;
using DrimCloud.Domain.Imaging;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>
/// The image instances (those with Rows) of a study or series of the current tenant, in display order (series
/// number, instance number), for the study and series rendered resources. Queries go through the tenant filter.
/// </summary>
public sealed class ImageInstances(DrimCloudDbContext db)
{
    public async Task<IReadOnlyList<StoredInstanceRef>> ListAsync(string study, string? series, CancellationToken cancellationToken)
    {
        var query = db.Instances.AsNoTracking().Where(i => i.Series!.Study!.StudyInstanceUid == study && i.Rows != null);
        if (series is not null) query = query.Where(i => i.Series!.SeriesInstanceUid == series);
        return await query
            .OrderBy(i => i.Series!.SeriesNumber == null).ThenBy(i => i.Series!.SeriesNumber).ThenBy(i => i.Series!.SeriesInstanceUid)
            .ThenBy(i => i.InstanceNumber == null).ThenBy(i => i.InstanceNumber).ThenBy(i => i.SopInstanceUid)
            .Select(ToRef)
            .ToListAsync(cancellationToken);
    }

    /// <summary>True when the tenant has any instance (image or not) in the study, or in the series when given.</summary>
    public Task<bool> ExistsAsync(string study, string? series, CancellationToken cancellationToken)
    {
        var query = db.Instances.AsNoTracking().Where(i => i.Series!.Study!.StudyInstanceUid == study);
        if (series is not null) query = query.Where(i => i.Series!.SeriesInstanceUid == series);
        return query.AnyAsync(cancellationToken);
    }

    /// <summary>The projection every rendered query uses.</summary>
    public static readonly Expression<Func<Instance, StoredInstanceRef>> ToRef = i => new StoredInstanceRef(
        i.Id, i.Series!.Study!.StudyInstanceUid, i.Series.SeriesInstanceUid, i.SopInstanceUid, i.SopClassUid,
        i.TransferSyntaxUid, i.BlobKey, i.SizeBytes, i.NumberOfFrames, i.FrameIndex, i.BitsAllocated);
}
