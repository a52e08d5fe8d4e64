using DrimCloud.Api.DicomWeb.Retrieve;
using DrimCloud.Data;
using DrimCloud.Dicom;
using DrimCloud.Dicom.Imaging;
using DrimCloud.Domain.Imaging;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>
/// Picks the instance that stands for a series or a study in a thumbnail (PS3.18 leaves the choice to the
/// server): in a series, the middle image by Instance Number, preferring images stored in an encoding we
/// decode (or pass through); in a study, that image of the first series (by Series Number) that has images. Queries go through the
/// tenant filter of the data context, like every other read.
/// </summary>
public sealed class RepresentativeInstances(DrimCloudDbContext db)
{
    /// <summary>Transfer syntaxes whose frames <see cref="FrameRenderer"/> decodes, and JPEG Baseline, whose frames a thumbnail passes through.</summary>
    private static readonly string[] s_decodable =
        [.. DicomTransferSyntax.Known.Where(FrameRenderer.CanDecode).Select(s => s.Uid), JpegPassthrough.JpegBaselineUid];

    public async Task<StoredInstanceRef?> OfSeriesAsync(string study, string series, CancellationToken cancellationToken)
    {
        var images = db.Instances.AsNoTracking()
            .Where(i => i.Series!.SeriesInstanceUid == series && i.Series.Study!.StudyInstanceUid == study && i.Rows != null);
        return await MiddleAsync(images, cancellationToken);
    }

    public async Task<StoredInstanceRef?> OfStudyAsync(string study, CancellationToken cancellationToken)
    {
        var series = await db.Series.AsNoTracking()
            .Where(s => s.Study!.StudyInstanceUid == study && s.Instances.Any(i => i.Rows != null))
            .OrderBy(s => s.SeriesNumber == null).ThenBy(s => s.SeriesNumber).ThenBy(s => s.SeriesInstanceUid)
            .Select(s => s.SeriesInstanceUid)
            .FirstOrDefaultAsync(cancellationToken);
        return series is null ? null : await OfSeriesAsync(study, series, cancellationToken);
    }

    private static async Task<StoredInstanceRef?> MiddleAsync(IQueryable<Instance> images, CancellationToken cancellationToken)
    {
        var decodable = images.Where(i => s_decodable.Contains(i.TransferSyntaxUid));
        var pool = await decodable.AnyAsync(cancellationToken) ? decodable : images;
        var count = await pool.CountAsync(cancellationToken);
        if (count == 0) return null;
        return await pool
            .OrderBy(i => i.InstanceNumber == null).ThenBy(i => i.InstanceNumber).ThenBy(i => i.SopInstanceUid)
            .Skip(count / 2)
            .Select(ImageInstances.ToRef)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
