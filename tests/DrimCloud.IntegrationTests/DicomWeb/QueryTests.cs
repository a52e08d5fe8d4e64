using System.Net;
using System.Text.Json;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>
/// QIDO-RS through the real platform: the request shapes OHIF and dicomweb-client send (ANCHORS §4), the matching
/// rules, paging, errors and tenant isolation, on this run's copy of the dicomdirtests hierarchy (see
/// <see cref="QueryTestData"/>). Assertions are scoped to this run's UIDs and patient IDs.
/// </summary>
[Collection("platform")]
public sealed class QueryTests(PlatformFixture platform)
{
    private async Task<(DicomWebTestClient Client, QueryTestData Data)> DemoAsync()
    {
        var data = await QueryTestData.GetAsync();
        var client = await platform.DicomWebAsync("demo");
        await data.StoreAsync(client);
        return (client, data);
    }

    private static async Task<(HttpResponseMessage Response, JsonElement[] Results)> SearchAsync(DicomWebTestClient client, string relative)
    {
        var response = await client.GetAsync(relative, "application/dicom+json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {relative} -> {(int)response.StatusCode}: {text}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return (response, JsonSerializer.Deserialize<JsonElement[]>(text)!);
    }

    private static async Task<JsonElement[]> ResultsAsync(DicomWebTestClient client, string relative) => (await SearchAsync(client, relative)).Results;

    private static string? Text(JsonElement result, string tag) =>
        result.TryGetProperty(tag, out var element) && element.TryGetProperty("Value", out var values) ? values[0].ValueKind switch
        {
            JsonValueKind.Object => values[0].GetProperty("Alphabetic").GetString(),
            JsonValueKind.Number => values[0].GetRawText(),
            _ => values[0].GetString(),
        } : null;

    private static string[] Set(params string[] uids) => uids.Order().ToArray();

    private static string[] Uids(IEnumerable<JsonElement> results, string tag = "0020000D") => results.Select(r => Text(r, tag)!).Order().ToArray();

    [Fact]
    public async Task The_OHIF_study_list_request_finds_the_study_with_every_attribute_OHIF_reads()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            var results = await ResultsAsync(client,
                $"/studies?PatientName=*mit*&00100020=*{data.PatientA[2..6]}*&AccessionNumber=*2*&StudyDescription=*Spine*&ModalitiesInStudy=CR"
                + $"&StudyDate=20000101-20021231&StudyInstanceUID={data.CrStudy}%5C{data.CtStudy}&limit=101&offset=0&fuzzymatching=false"
                + "&includefield=00081030,00080060,00080090,00100030");
            var study = Assert.Single(results);
            foreach (var tag in new[] { "0020000D", "00080020", "00080030", "00080050", "00100020", "00100010", "00100030", "00201208", "00081030", "00080061", "00080090" })
                Assert.True(study.TryGetProperty(tag, out _), $"missing {tag}");
            Assert.Equal(data.CrStudy, Text(study, "0020000D"));
            Assert.Equal("Smith^Archie", Text(study, "00100010"));
            Assert.Equal("XR C Spine Comp Min 4 Views", Text(study, "00081030"));
            Assert.Equal("CR", Text(study, "00080061"));
            Assert.Equal("3", Text(study, "00201208"));
            Assert.False(study.TryGetProperty("00080060", out _)); // a series attribute, not returned by a study search

            // Without wildcard support OHIF sends the same list with plain values.
            var plain = await ResultsAsync(client, $"/studies?00100020={data.PatientB}&limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060,00080090,00100030");
            Assert.Equal([data.CarotidStudy, data.MraStudy, data.BrainStudy, data.CtStudy], plain.Select(r => Text(r, "0020000D")));
        }
    }

    [Fact]
    public async Task The_OHIF_series_list_request_returns_each_series_with_its_count()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            var series = await ResultsAsync(client, $"/studies/{data.MraStudy}/series?includefield=0008103E,00080021");
            Assert.Equal(["1", "2", "700"], series.Select(s => Text(s, "00200011")));
            Assert.Equal(["FAST LOCALIZER", "T/S/C RF FAST PILOT", "ANGIO Projected from   C"], series.Select(s => Text(s, "0008103E")));
            Assert.Equal(["1", "3", "7"], series.Select(s => Text(s, "00201209")));
            foreach (var s in series)
            {
                Assert.Equal("MR", Text(s, "00080060"));
                Assert.Equal("20030505", Text(s, "00080021"));
                Assert.StartsWith(data.Uid("1196533885.18148.0."), Text(s, "0020000E"), StringComparison.Ordinal);
                Assert.EndsWith($"/studies/{data.MraStudy}/series/{Text(s, "0020000E")}", Text(s, "00081190"), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_dicomweb_client_searches_walk_the_hierarchy_with_matching_counts()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            var studies = await ResultsAsync(client, $"/studies?PatientID={data.PatientB}");
            var counts = studies.ToDictionary(s => Text(s, "0020000D")!, s => (Text(s, "00201206"), Text(s, "00201208")));
            Assert.Equal(("2", "7"), counts[data.CtStudy]);
            Assert.Equal(("3", "11"), counts[data.MraStudy]);
            Assert.Equal(("2", "4"), counts[data.BrainStudy]);
            Assert.Equal(("2", "2"), counts[data.CarotidStudy]);

            var ct = await ResultsAsync(client, $"/studies/{data.CtStudy}/series");
            Assert.Equal(["2", "5"], ct.Select(s => Text(s, "00201209")).Order());
            var seriesUid = ct.Single(s => Text(s, "00201209") == "5").GetProperty("0020000E").GetProperty("Value")[0].GetString()!;

            var instances = await ResultsAsync(client, $"/studies/{data.CtStudy}/series/{seriesUid}/instances");
            Assert.Equal(["6", "7", "8", "9", "10"], instances.Select(i => Text(i, "00200013")));
            Assert.All(instances, i => Assert.Equal("1.2.840.10008.5.1.4.1.1.2", Text(i, "00080016")));
            Assert.All(instances, i => Assert.EndsWith($"/series/{seriesUid}/instances/{Text(i, "00080018")}", Text(i, "00081190"), StringComparison.Ordinal));

            Assert.Equal(7, (await ResultsAsync(client, $"/studies/{data.CtStudy}/instances")).Length);
            Assert.Equal(2, (await ResultsAsync(client, $"/series?StudyInstanceUID={data.CtStudy}")).Length);
            var all = await ResultsAsync(client, $"/instances?PatientID={data.PatientB}&Modality=MR");
            Assert.Equal(17, all.Length);
            Assert.All(all, i => Assert.Equal("Doe^Peter", Text(i, "00100010")));
        }
    }

    [Fact]
    public async Task Higher_level_attributes_select_series_and_instances()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            Assert.Equal(7, (await ResultsAsync(client, $"/series?StudyDate=20030505&PatientID={data.PatientB}")).Length);
            Assert.Equal(7, (await ResultsAsync(client, $"/instances?PatientName=Smith*&PatientID={data.PatientA}")).Length);
            Assert.Equal([data.MraStudy], Uids(await ResultsAsync(client, $"/studies?SeriesNumber=700&PatientID={data.PatientB}")));
        }
    }

    [Fact]
    public async Task Includefield_lists_and_all_add_the_stored_attributes()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            var listed = Assert.Single(await ResultsAsync(client, $"/studies?StudyInstanceUID={data.MraStudy}&includefield=PatientAge,00101030&includefield=StudyDescription"));
            Assert.Equal("045Y", Text(listed, "00101010"));
            Assert.Equal(81.6327, double.Parse(Text(listed, "00101030")!, System.Globalization.CultureInfo.InvariantCulture), 4);
            Assert.Equal("Brain-MRA", Text(listed, "00081030"));

            var all = Assert.Single(await ResultsAsync(client, $"/studies?StudyInstanceUID={data.MraStudy}&includefield=all"));
            Assert.Equal("045Y", Text(all, "00101010"));
            Assert.Equal("M", Text(all, "00100040"));
            var plain = Assert.Single(await ResultsAsync(client, $"/studies?StudyInstanceUID={data.MraStudy}"));
            Assert.False(plain.TryGetProperty("00101010", out _));

            var instance = (await ResultsAsync(client, $"/studies/{data.MraStudy}/series/{data.Uid("1196533885.18148.0.118")}/instances?includefield=all"))[0];
            Assert.Equal("DERIVED", Text(instance, "00080008"));
            Assert.Equal("+0000", Text(instance, "00080201"));
            Assert.False(instance.TryGetProperty("00080070", out _)); // Manufacturer is a series attribute
            Assert.EndsWith("/bulk/7FE00010", instance.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("http", instance.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Limit_and_offset_page_through_the_matches_with_a_warning_while_more_remain()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            var (firstResponse, first) = await SearchAsync(client, $"/studies?PatientID={data.PatientB}&limit=3");
            Assert.Equal(3, first.Length);
            var warning = Assert.Single(firstResponse.Headers.Warning);
            Assert.Equal(299, warning.Code);
            Assert.Equal("\"There are 1 additional results that can be requested\"", warning.Text);

            var (lastResponse, last) = await SearchAsync(client, $"/studies?PatientID={data.PatientB}&limit=3&offset=3");
            Assert.Single(last);
            Assert.Empty(lastResponse.Headers.Warning);
            Assert.Equal(Uids(await ResultsAsync(client, $"/studies?PatientID={data.PatientB}")), Uids(first.Concat(last)));

            var (countResponse, none) = await SearchAsync(client, $"/studies?PatientID={data.PatientB}&limit=0");
            Assert.Empty(none);
            Assert.Equal("\"There are 4 additional results that can be requested\"", Assert.Single(countResponse.Headers.Warning).Text);
        }
    }

    [Fact]
    public async Task Percent_encoded_wildcards_and_names_are_decoded()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            Assert.Equal(Set(data.CrStudy, data.HeadCtStudy), Uids(await ResultsAsync(client, $"/studies?PatientName=Smith%2A&PatientID={data.PatientA}")));
            Assert.Equal([data.FrenchStudy], Uids(await ResultsAsync(client, $"/studies?PatientName=M%C3%BCller*&PatientID={data.PatientC}")));
            Assert.Equal([data.FrenchStudy], Uids(await ResultsAsync(client, $"/studies?PatientName=m%C3%BCller%5Ejan&PatientID={data.PatientC}")));
            var muller = Assert.Single(await ResultsAsync(client, $"/studies?PatientID={data.PatientC}"));
            Assert.Equal("Müller^Jan", Text(muller, "00100010"));
            Assert.Equal(Set(data.CrStudy, data.HeadCtStudy), Uids(await ResultsAsync(client, $"/studies?PatientName=Sm?th%5E*&PatientID={data.PatientA}")));
            Assert.Equal([data.CtStudy], Uids(await ResultsAsync(client, $"/studies?StudyDate=20000101%2D20011231&PatientID={data.PatientB}")));
        }
    }

    [Fact]
    public async Task Dates_times_and_fuzzy_names_match()
    {
        var (client, data) = await DemoAsync();
        using (client)
        {
            var patientB = $"&PatientID={data.PatientB}";
            Assert.Equal(Set(data.MraStudy, data.BrainStudy, data.CarotidStudy), Uids(await ResultsAsync(client, "/studies?StudyDate=20030505" + patientB)));
            Assert.Equal([data.CtStudy], Uids(await ResultsAsync(client, "/studies?StudyDate=-20011231" + patientB)));
            // One date-time range: from 1 Jan 2001 03:00 to 5 May 2003 05:00.
            Assert.Equal(Set(data.MraStudy, data.BrainStudy),
                Uids(await ResultsAsync(client, "/studies?StudyDate=20010101-20030505&StudyTime=0300-0500" + patientB)));
            Assert.Equal(Set(data.CrStudy, data.HeadCtStudy), Uids(await ResultsAsync(client, $"/studies?fuzzymatching=true&PatientName=arch&PatientID={data.PatientA}")));
            Assert.Empty(await ResultsAsync(client, $"/studies?fuzzymatching=false&PatientName=arch&PatientID={data.PatientA}"));
        }
    }

    [Fact]
    public async Task No_match_is_200_with_an_empty_array()
    {
        var (client, _) = await DemoAsync();
        using (client)
        {
            var (response, results) = await SearchAsync(client, "/studies?PatientID=NO-SUCH-PATIENT-" + Guid.NewGuid().ToString("N")[..8]);
            Assert.Empty(results);
            Assert.Empty(response.Headers.Warning);
            Assert.Empty(await ResultsAsync(client, "/studies/2.25.404/series"));
        }
    }

    [Theory]
    [InlineData("/studies?PatientNam=X", "PatientNam")]
    [InlineData("/studies?StudyDate=2020-01-01", "StudyDate")]
    [InlineData("/studies?StudyDate=20201231-20200101", "StudyDate")]
    [InlineData("/series?limit=ten", "limit")]
    [InlineData("/instances?includefield=NoSuchAttribute", "includefield")]
    [InlineData("/studies?SliceThickness=1", "SliceThickness")]
    [InlineData("/studies?StudyInstanceUID=1.2.*", "StudyInstanceUID")]
    public async Task Malformed_parameters_get_a_400_problem_naming_them(string relative, string parameter)
    {
        var (client, _) = await DemoAsync();
        using (client)
        {
            using var response = await client.GetAsync(relative);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
            Assert.Contains(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Another_tenant_with_the_same_studies_is_never_returned_nor_counted()
    {
        var (client, data) = await DemoAsync();
        using var other = await platform.DicomWebAsync("demo-b");
        await data.StoreAsync(other, withFrench: false);
        using (client)
        {
            var studies = await ResultsAsync(client, $"/studies?PatientID={data.PatientB}");
            Assert.Equal(4, studies.Length);
            Assert.Equal("11", Text(studies.Single(s => Text(s, "0020000D") == data.MraStudy), "00201208"));
            Assert.Equal(3, (await ResultsAsync(client, $"/studies/{data.MraStudy}/series")).Length);
            Assert.Equal(17, (await ResultsAsync(client, $"/instances?PatientID={data.PatientB}&Modality=MR")).Length);
            var (response, _) = await SearchAsync(client, $"/studies?PatientID={data.PatientB}&limit=1");
            Assert.Equal("\"There are 3 additional results that can be requested\"", Assert.Single(response.Headers.Warning).Text);

            // demo-b holds its own copy, without the Müller study that only demo has.
            Assert.Equal(4, (await ResultsAsync(other, $"/studies?PatientID={data.PatientB}")).Length);
            Assert.Empty(await ResultsAsync(other, $"/studies?PatientID={data.PatientC}"));
            Assert.Empty(await ResultsAsync(other, $"/studies?StudyInstanceUID={data.FrenchStudy}"));
            Assert.Empty(await ResultsAsync(other, $"/studies/{data.FrenchStudy}/instances"));

            // And a demo-b token cannot search demo at all.
            using var crossed = await other.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri($"/tenants/demo/dicomweb/studies?PatientID={data.PatientB}", UriKind.Relative)));
            Assert.Equal(HttpStatusCode.Forbidden, crossed.StatusCode);
        }
    }
}
