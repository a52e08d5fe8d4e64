using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Data;
using DrimCloud.Storage;
using Microsoft.EntityFrameworkCore;

namespace DrimCloud.Api.DicomWeb.Retrieve;

/// <summary>
/// The metadata of a whole series as one gzip-compressed DICOM JSON array, built from the per-instance metadata
/// stored at ingest and kept in the tenant's blob container under <c>metadata-cache/</c>, keyed by the series'
/// metadata version (bumped by every store or delete) and the base URL its BulkDataURIs point to. Viewers ask for
/// series metadata first; serving a prebuilt compressed document makes that a single blob read.
/// </summary>
public sealed class SeriesMetadataDocuments(DrimCloudDbContext db, IBlobStore blobs, ITenantContext tenant, ILogger<SeriesMetadataDocuments> logger)
{
    public const string CachePrefix = BlobNames.DerivedPrefix;

    public sealed record SeriesVersion(Guid Id, string SeriesInstanceUid, long Version);

    /// <summary>The ETag of a series' metadata for a given base URL.</summary>
    public static string ETagOf(IEnumerable<SeriesVersion> series, string baseUrl)
    {
        var text = string.Join(';', series.Select(s => $"{s.Id:N}:{s.Version}")) + "|" + baseUrl;
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32] + "\"";
    }

    /// <summary>Opens the compressed document of one series, building and caching it first if needed.</summary>
    public async Task<Stream> OpenGzipAsync(SeriesVersion series, string baseUrl, CancellationToken cancellationToken)
    {
        var container = BlobNames.ContainerFor(tenant.TenantId!.Value);
        var key = KeyOf(series, baseUrl);
        try
        {
            return await blobs.OpenReadAsync(container, key, cancellationToken: cancellationToken);
        }
        catch (BlobNotFoundException)
        {
        }

        var document = await BuildAsync(series.Id, baseUrl, cancellationToken);
        try
        {
            await blobs.CreateAsync(container, key, new MemoryStream(document, writable: false), cancellationToken);
            await DeleteOlderVersionsAsync(container, series, key, cancellationToken);
        }
        catch (BlobAlreadyExistsException)
        {
            // Built concurrently by another request: same version, same content.
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            logger.LogWarning(e, "Could not cache the metadata of series {Series}; serving it uncached.", series.SeriesInstanceUid);
        }
        return new MemoryStream(document, writable: false);
    }

    /// <summary>Builds the gzip document of a series: "[" + each instance's JSON with absolute BulkDataURIs + "]".</summary>
    public async Task<byte[]> BuildAsync(Guid seriesId, string baseUrl, CancellationToken cancellationToken)
    {
        var output = new MemoryStream();
        await using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.WriteByte((byte)'[');
            var first = true;
            var rows = db.Instances.AsNoTracking().Where(i => i.SeriesId == seriesId)
                .OrderBy(i => i.InstanceNumber).ThenBy(i => i.SopInstanceUid)
                .Select(i => i.MetadataGz).AsAsyncEnumerable();
            await foreach (var compressed in rows.WithCancellation(cancellationToken))
            {
                if (compressed is null) continue;
                if (!first) gzip.WriteByte((byte)',');
                first = false;
                WriteInstanceJson(gzip, compressed, baseUrl);
            }
            gzip.WriteByte((byte)']');
        }
        return output.ToArray();
    }

    /// <summary>Decompresses one stored instance JSON into <paramref name="output"/>, resolving its relative BulkDataURIs.</summary>
    public static void WriteInstanceJson(Stream output, byte[] compressed, string baseUrl)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var json = new MemoryStream();
        input.CopyTo(json);
        BulkDataUris.Resolve(json.GetBuffer().AsSpan(0, (int)json.Length), baseUrl, output);
    }

    private static string KeyOf(SeriesVersion series, string baseUrl)
    {
        var baseHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseUrl)))[..12];
        return $"{CachePrefix}{series.SeriesInstanceUid}/{series.Version}-{baseHash}.json.gz";
    }

    private async Task DeleteOlderVersionsAsync(string container, SeriesVersion series, string current, CancellationToken cancellationToken)
    {
        await foreach (var blob in blobs.ListAsync(container, $"{CachePrefix}{series.SeriesInstanceUid}/", cancellationToken))
        {
            var version = blob.Key[(blob.Key.LastIndexOf('/') + 1)..].Split('-')[0];
            if (blob.Key != current && long.TryParse(version, out var v) && v < series.Version)
                await blobs.DeleteAsync(container, blob.Key, cancellationToken);
        }
    }

    /// <summary>Removes every cached document of a series (after a delete).</summary>
    public async Task ForgetAsync(string seriesInstanceUid, CancellationToken cancellationToken)
    {
        var container = BlobNames.ContainerFor(tenant.TenantId!.Value);
        await foreach (var blob in blobs.ListAsync(container, $"{CachePrefix}{seriesInstanceUid}/", cancellationToken))
            await blobs.DeleteAsync(container, blob.Key, cancellationToken);
    }
}

/// <summary>Turns the stored relative BulkDataURIs ("dicomweb:/studies/…") into absolute ones for one base URL.</summary>
public static class BulkDataUris
{
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes("\"BulkDataURI\":\"" + InstanceMetadataBuilder.RelativeScheme);

    public static void Resolve(ReadOnlySpan<byte> json, string baseUrl, Stream output)
    {
        var prefix = Encoding.UTF8.GetBytes("\"BulkDataURI\":\"" + baseUrl);
        while (true)
        {
            var at = json.IndexOf(Marker);
            if (at < 0)
            {
                output.Write(json);
                return;
            }
            output.Write(json[..at]);
            output.Write(prefix);
            json = json[(at + Marker.Length)..];
        }
    }
}
