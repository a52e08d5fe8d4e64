using System.Buffers;
using System.Text.Json;
using DrimCloud.Api.DicomWeb.Query;
using static DrimCloud.Api.Tests.Query.QueryCorpus;

namespace DrimCloud.Api.Tests.Query;

/// <summary>The DICOM JSON each level returns (PS3.18 §10.6.3.3), rendered from rows the executor read.</summary>
public sealed class ResultWriterTests(SqliteQueryDatabase db) : IClassFixture<SqliteQueryDatabase>
{
    private const string Base = "https://cloud.example/tenants/query-a/dicomweb";

    private async Task<JsonElement[]> SearchAsync(QueryLevel target, string query, string? study = null, string? series = null)
    {
        var parsed = QueryParser.Parse(target, study, series, query);
        var plan = ReturnPlan.For(parsed);
        await using var context = db.For(db.TenantA);
        var executor = new QueryExecutor(context);
        var buffer = new ArrayBufferWriter<byte>();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            var results = new QidoResultWriter(json, plan, Base);
            json.WriteStartArray();
            switch (target)
            {
                case QueryLevel.Study:
                    foreach (var row in (await executor.StudiesAsync(parsed, plan, default)).Rows) results.Write(row);
                    break;
                case QueryLevel.Series:
                    foreach (var row in (await executor.SeriesAsync(parsed, plan, default)).Rows) results.Write(row);
                    break;
                default:
                    foreach (var row in (await executor.InstancesAsync(parsed, plan, default)).Rows) results.Write(row);
                    break;
            }
            json.WriteEndArray();
        }
        return JsonSerializer.Deserialize<JsonElement[]>(buffer.WrittenSpan)!;
    }

    private static string[] Tags(JsonElement result) => result.EnumerateObject().Select(p => p.Name).ToArray();

    private static JsonElement Value(JsonElement result, string tag) => result.GetProperty(tag).GetProperty("Value")[0];

    [Fact]
    public async Task A_study_carries_the_required_attributes_in_tag_order()
    {
        var study = Assert.Single(await SearchAsync(QueryLevel.Study, "?StudyInstanceUID=2.25.1"));
        Assert.Equal(
            ["00080020", "00080030", "00080050", "00080056", "00080061", "00080090", "00081190", "00100010", "00100020", "00100030",
             "00100040", "0020000D", "00200010", "00201206", "00201208"],
            Tags(study));
        Assert.Equal("Müller^Jürgen", Value(study, "00100010").GetProperty("Alphabetic").GetString());
        Assert.Equal(["CT", "SR"], study.GetProperty("00080061").GetProperty("Value").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(2, Value(study, "00201206").GetInt32());
        Assert.Equal(4, Value(study, "00201208").GetInt32());
        Assert.Equal("ONLINE", Value(study, "00080056").GetString());
        Assert.Equal($"{Base}/studies/2.25.1", Value(study, "00081190").GetString());
        Assert.Equal("UR", study.GetProperty("00081190").GetProperty("vr").GetString());
        // Required but unknown: present, without a value.
        var undated = Assert.Single(await SearchAsync(QueryLevel.Study, $"?StudyInstanceUID={Undated}"));
        Assert.False(undated.GetProperty("00080020").TryGetProperty("Value", out _));
        Assert.Equal("DA", undated.GetProperty("00080020").GetProperty("vr").GetString());
    }

    [Fact]
    public async Task Includefield_adds_columns_and_stored_attributes_and_names_unknown_ones_empty()
    {
        var study = Assert.Single(await SearchAsync(QueryLevel.Study,
            "?StudyInstanceUID=2.25.1&includefield=00081030,InstitutionName&includefield=PatientWeight&includefield=Modality"));
        Assert.Equal("CT THORAX", Value(study, "00081030").GetString());
        Assert.Equal("HOPITAL NORD", Value(study, "00080080").GetString());
        Assert.Equal("DS", study.GetProperty("00101030").GetProperty("vr").GetString());
        Assert.False(study.GetProperty("00101030").TryGetProperty("Value", out _));
        // A series attribute is not returned by a study search.
        Assert.False(study.TryGetProperty("00080060", out _));
        // A matched attribute is returned too.
        var matched = Assert.Single(await SearchAsync(QueryLevel.Study, "?OtherPatientIDsSequence.PatientID=INS-1"));
        Assert.Equal("INS-1", Value(matched, "00101002").GetProperty("00100020").GetProperty("Value")[0].GetString());
    }

    [Fact]
    public async Task Series_name_their_study_and_carry_study_attributes_only_when_not_scoped()
    {
        var scoped = await SearchAsync(QueryLevel.Series, "?includefield=00080021", study: Cruz);
        Assert.Equal(["2.25.4.1", "2.25.4.2"], scoped.Select(s => Value(s, "0020000E").GetString()));
        var second = scoped[1];
        Assert.Equal(Cruz, Value(second, "0020000D").GetString());
        Assert.Equal("CT", Value(second, "00080060").GetString());
        Assert.Equal(2, Value(second, "00200011").GetInt32());
        Assert.Equal(2, Value(second, "00201209").GetInt32());
        Assert.Equal("LOW DOSE", Value(second, "0008103E").GetString());
        Assert.Equal("20200301", Value(second, "00080021").GetString());
        Assert.Equal($"{Base}/studies/{Cruz}/series/2.25.4.2", Value(second, "00081190").GetString());
        Assert.False(second.TryGetProperty("00100010", out _));
        Assert.False(scoped[0].TryGetProperty("0008103E", out _)); // "if known"

        var all = Assert.Single(await SearchAsync(QueryLevel.Series, "?SeriesInstanceUID=2.25.4.2"));
        Assert.Equal("de la Cruz^María", Value(all, "00100010").GetProperty("Alphabetic").GetString());
        Assert.Equal(3, Value(all, "00201208").GetInt32());
        Assert.Equal($"{Base}/studies/{Cruz}/series/2.25.4.2", Value(all, "00081190").GetString());
    }

    [Fact]
    public async Task Includefield_all_on_instances_copies_the_metadata_with_absolute_bulk_data_uris()
    {
        var instance = (await SearchAsync(QueryLevel.Instance, "?includefield=all", study: Muller, series: "2.25.1.1"))[1];
        Assert.Equal("2.25.1.1.2", Value(instance, "00080018").GetString());
        Assert.Equal(2.5, Value(instance, "00180050").GetDouble());
        Assert.Equal($"{Base}/studies/{Muller}/series/2.25.1.1/instances/2.25.1.1.2/bulk/7FE00010",
            instance.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
        Assert.Equal(512, Value(instance, "00280010").GetInt32());
        Assert.Equal(Muller, Value(instance, "0020000D").GetString());
        Assert.Equal("2.25.1.1", Value(instance, "0020000E").GetString());
        // Study- and series-level attributes are not instance-level ones, and this search is scoped to one series.
        Assert.False(instance.TryGetProperty("00100010", out _));
        Assert.False(instance.TryGetProperty("00080060", out _));
        var tags = Tags(instance);
        Assert.Equal(tags.Order(StringComparer.Ordinal), tags);
    }

    [Fact]
    public async Task Instances_of_all_studies_carry_study_and_series_attributes()
    {
        var instance = Assert.Single(await SearchAsync(QueryLevel.Instance, "?SOPInstanceUID=2.25.2.1.1"));
        Assert.Equal("Smith^John", Value(instance, "00100010").GetProperty("Alphabetic").GetString());
        Assert.Equal("MR", Value(instance, "00080060").GetString());
        Assert.Equal(1, Value(instance, "00200013").GetInt32());
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", Value(instance, "00080016").GetString());
        Assert.False(instance.TryGetProperty("00180050", out _));
    }
}
