using System.Text.Json;
using DrimCloud.Tests;
using Xunit.Abstractions;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>
/// The whole sample corpus through npm's dicomweb-client (the DICOMweb library OHIF uses, run by Node): every
/// storable instance is stored, found, and retrieved byte-identical; the rest is refused. What "storable" means is
/// decided from the corpus manifest (UIDs read by pydicom), not from our own parser.
/// </summary>
[Collection("platform")]
public sealed class DicomWebClientInteropTests(PlatformFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task The_corpus_round_trips_through_dicomweb_client()
    {
        var tenant = await platform.CreateTenantAsync("dwc");
        var token = await platform.TokenAsync(tenant.ForwarderId, tenant.ForwarderSecret);
        using var api = platform.Client("api");
        var rows = SampleFiles.Manifest();
        var manifest = new
        {
            url = new Uri(api.BaseAddress!, $"/tenants/{tenant.Slug}/dicomweb").ToString(),
            token,
            search = true,
            instances = rows.Select(r => new { file = SampleFiles.Path(r["file"]), study = r["study_uid"], series = r["series_uid"], sop = r["sop_instance_uid"] }),
        };
        var manifestPath = Path.Combine(Path.GetTempPath(), $"dwc-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(manifest));
        try
        {
            var script = Path.Combine(RepositoryRoot(), "tools", "dicomweb-client", "interop.mjs");
            var (exit, text, errors) = await Tools.RunWithTimeoutAsync(TimeSpan.FromMinutes(5), null, "node", script, manifestPath);
            Assert.True(exit == 0, text + errors);
            using var result = JsonDocument.Parse(text);
            Assert.Equal(JsonValueKind.Null, result.RootElement.GetProperty("error").ValueKind);

            var expected = ExpectedOutcomes(rows);
            var instances = result.RootElement.GetProperty("instances").EnumerateArray().ToList();
            Assert.Equal(rows.Count, instances.Count);
            var stored = 0;
            for (var i = 0; i < rows.Count; i++)
            {
                var file = rows[i]["file"];
                var entry = instances[i];
                if (expected[i])
                {
                    Assert.True(entry.GetProperty("stored").GetBoolean(), $"{file} should be stored: {entry}");
                    Assert.True(entry.GetProperty("identical").GetBoolean(), $"{file} should come back byte-identical: {entry}");
                    Assert.Equal(rows[i]["sop_instance_uid"], entry.GetProperty("metadataSop").GetString());
                    // Default Accept: Explicit VR LE files come back as they are, other uncompressed ones converted,
                    // compressed ones refused (406) since the client did not accept their encoding. Files without meta
                    // information (manifest syntax empty) are implicit VR LE, converted too.
                    var syntax = rows[i]["transfer_syntax_uid"];
                    var expectedDefault = syntax == "1.2.840.10008.1.2.1" ? "identical"
                        : syntax is "" or "1.2.840.10008.1.2" or "1.2.840.10008.1.2.2" or "1.2.840.10008.1.2.1.99" ? "converted" : "error 406";
                    Assert.True(expectedDefault == entry.GetProperty("defaultRetrieve").GetString(), $"{file} default retrieve: {entry}");
                    stored++;
                }
                else
                {
                    Assert.False(entry.GetProperty("stored").GetBoolean(), $"{file} should be refused: {entry}");
                }
            }
            output.WriteLine($"{stored} of {rows.Count} corpus files stored and retrieved byte-identical through dicomweb-client");
            Assert.True(stored >= 85, $"only {stored} files stored");

            if (manifest.search)
            {
                var studies = result.RootElement.GetProperty("studies").EnumerateArray().Select(s => s.GetString()).ToHashSet();
                var storedStudies = rows.Where((r, i) => expected[i]).Select(r => r["study_uid"]).ToHashSet();
                Assert.Equal(storedStudies.Order(StringComparer.Ordinal), studies.Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            File.Delete(manifestPath);
        }
    }

    /// <summary>
    /// Storable: the manifest has all four UIDs, its SOP Instance UID was not stored before with other bytes, its
    /// series was not stored before under another study, and a real toolkit (DCMTK, peer_dcmdump) can parse it.
    /// </summary>
    private static bool[] ExpectedOutcomes(IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        var sops = new Dictionary<string, string>(StringComparer.Ordinal);
        var seriesStudy = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var ok = r["sop_class_uid"].Length > 0 && r["sop_instance_uid"].Length > 0 && r["study_uid"].Length > 0 && r["series_uid"].Length > 0
                && r["peer_dcmdump"].StartsWith("ok", StringComparison.Ordinal);
            ok = ok && !(sops.TryGetValue(r["sop_instance_uid"], out var sha) && sha != r["sha1"]);
            ok = ok && !(seriesStudy.TryGetValue(r["series_uid"], out var study) && study != r["study_uid"]);
            if (ok)
            {
                sops[r["sop_instance_uid"]] = r["sha1"];
                seriesStudy[r["series_uid"]] = r["study_uid"];
            }
            result[i] = ok;
        }
        return result;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DrimCloud.sln"))) return dir.FullName;
        throw new InvalidOperationException("Repository root not found.");
    }
}
