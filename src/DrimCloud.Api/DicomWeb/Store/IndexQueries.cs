using DrimCloud.Data;
using DrimCloud.Domain.Imaging;
using DrimCloud.Domain.Patients;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Store;

/// <summary>
/// The lookups STOW-RS runs for every instance, compiled once. A LINQ query is otherwise re-walked on each call to
/// extract its parameters and find its cached plan, which cost several percent of the API's CPU under ingest. The
/// tenant filter still applies: it reads the context it runs on.
/// </summary>
internal static class IndexQueries
{
    public static readonly Func<DrimCloudDbContext, string, CancellationToken, Task<InstanceDigest?>> Existing =
        EF.CompileAsyncQuery((DrimCloudDbContext db, string sop, CancellationToken _) =>
            db.Instances.AsNoTracking().Where(i => i.SopInstanceUid == sop).Select(i => new InstanceDigest(i.Sha256, i.BlobKey)).SingleOrDefault());

    public static readonly Func<DrimCloudDbContext, string, string?, CancellationToken, Task<Patient?>> Patient =
        EF.CompileAsyncQuery((DrimCloudDbContext db, string id, string? issuer, CancellationToken _) =>
            db.Patients.FirstOrDefault(p => p.LocalPatientId == id && p.LocalIdIssuer == issuer));

    public static readonly Func<DrimCloudDbContext, string, CancellationToken, Task<Study?>> Study =
        EF.CompileAsyncQuery((DrimCloudDbContext db, string uid, CancellationToken _) => db.Studies.SingleOrDefault(s => s.StudyInstanceUid == uid));

    public static readonly Func<DrimCloudDbContext, string, CancellationToken, Task<Series?>> Series =
        EF.CompileAsyncQuery((DrimCloudDbContext db, string uid, CancellationToken _) => db.Series.SingleOrDefault(s => s.SeriesInstanceUid == uid));

    public static readonly Func<DrimCloudDbContext, string, CancellationToken, Task<Instance?>> Instance =
        EF.CompileAsyncQuery((DrimCloudDbContext db, string uid, CancellationToken _) => db.Instances.SingleOrDefault(i => i.SopInstanceUid == uid));
}

/// <summary>What an already indexed instance is: its content hash and where its blob is.</summary>
internal sealed record InstanceDigest(string Sha256, string BlobKey);
