using DrimCloud.Api.DicomWeb.Query;
using static DrimCloud.Api.Tests.Query.QueryCorpus;

namespace DrimCloud.Api.Tests.Query;

/// <summary>
/// Matching rules run through the real EF translation on each provider, against <see cref="QueryCorpus"/>:
/// the same assertions on SQLite (always) and on PostgreSQL (when ./test.sh provides one).
/// </summary>
public abstract class MatchingTests<TDatabase>(TDatabase db) where TDatabase : QueryDatabase
{
    private async Task<QueryPage<StudyRow>> StudyPageAsync(string query, Guid? tenant = null)
    {
        Skip.IfNot(db.Available, "No database server for this provider: run ./test.sh.");
        var parsed = QueryParser.Parse(QueryLevel.Study, null, null, query);
        await using var context = db.For(tenant ?? db.TenantA);
        return await new QueryExecutor(context).StudiesAsync(parsed, ReturnPlan.For(parsed), CancellationToken.None);
    }

    private async Task<QueryPage<SeriesRow>> SeriesPageAsync(string query, string? study = null, Guid? tenant = null)
    {
        Skip.IfNot(db.Available, "No database server for this provider: run ./test.sh.");
        var parsed = QueryParser.Parse(QueryLevel.Series, study, null, query);
        await using var context = db.For(tenant ?? db.TenantA);
        return await new QueryExecutor(context).SeriesAsync(parsed, ReturnPlan.For(parsed), CancellationToken.None);
    }

    private async Task<QueryPage<InstanceRow>> InstancePageAsync(string query, string? study = null, string? series = null, Guid? tenant = null)
    {
        Skip.IfNot(db.Available, "No database server for this provider: run ./test.sh.");
        var parsed = QueryParser.Parse(QueryLevel.Instance, study, series, query);
        await using var context = db.For(tenant ?? db.TenantA);
        return await new QueryExecutor(context).InstancesAsync(parsed, ReturnPlan.For(parsed), CancellationToken.None);
    }

    private async Task<string[]> StudiesAsync(string query) => (await StudyPageAsync(query)).Rows.Select(r => r.StudyInstanceUid).Order().ToArray();

    private async Task<string[]> SeriesAsync(string query, string? study = null) =>
        (await SeriesPageAsync(query, study)).Rows.Select(r => r.SeriesInstanceUid).ToArray();

    private async Task<string[]> InstancesAsync(string query, string? study = null, string? series = null) =>
        (await InstancePageAsync(query, study, series)).Rows.Select(r => r.SopInstanceUid).ToArray();

    private static string[] Set(params string[] uids) => uids.Order().ToArray();

    [SkippableFact]
    public async Task Single_values_match_exactly_and_text_is_case_sensitive()
    {
        Assert.Equal(Set(Smith), await StudiesAsync("?AccessionNumber=ACC2"));
        Assert.Empty(await StudiesAsync("?AccessionNumber=acc2"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?PatientID=PID-4"));
        Assert.Equal(Set(Smith), await StudiesAsync("?NumberOfStudyRelatedInstances=2&PatientID=PID-2"));
    }

    [SkippableFact]
    public async Task Uid_lists_match_any_listed_uid()
    {
        Assert.Equal(Set(Muller, Smithson), await StudiesAsync("?StudyInstanceUID=2.25.1%5C2.25.3"));
        Assert.Equal(Set(Muller, Smithson), await StudiesAsync("?StudyInstanceUID=2.25.1,2.25.3,2.25.404"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?StudyInstanceUID=2.25.4"));
    }

    [SkippableFact]
    public async Task Star_and_question_mark_are_wildcards()
    {
        Assert.Equal(Set(Muller, Smith, Cruz), await StudiesAsync("?AccessionNumber=ACC*"));
        Assert.Equal(Set(Muller, Smith, Cruz), await StudiesAsync("?AccessionNumber=ACC?"));
        Assert.Equal(Set(Smith), await StudiesAsync("?StudyDescription=*BRAIN"));
        Assert.Equal(Set(Muller, Smith, Smithson), await StudiesAsync("?StudyDescription=*R*"));
        Assert.Empty(await StudiesAsync("?AccessionNumber=ACC??"));
    }

    [SkippableFact]
    public async Task Characters_special_to_SQL_patterns_are_literal()
    {
        Assert.Equal(Set(Smithson), await StudiesAsync("?AccessionNumber=AC%25_%5B!"));
        Assert.Equal(Set(Smithson), await StudiesAsync("?AccessionNumber=AC%25*"));
        Assert.Equal(Set(Smithson), await StudiesAsync("?AccessionNumber=AC%25_%5B*"));
        Assert.Equal(Set(Smithson), await StudiesAsync("?AccessionNumber=*!"));
        Assert.Empty(await StudiesAsync("?AccessionNumber=AC_*"));
        Assert.Empty(await StudiesAsync("?AccessionNumber=A%25*"));
        // Without a literal prefix no range narrows the search: only the pattern's escaping keeps these literal.
        Assert.Empty(await StudiesAsync("?AccessionNumber=?C_*"));
        Assert.Equal(Set(Smithson), await StudiesAsync("?AccessionNumber=?C%25*"));
        Assert.Equal(Set(Smithson), await StudiesAsync("?AccessionNumber=?C%25_%5B*"));
    }

    [SkippableFact]
    public async Task Person_names_match_regardless_of_case_and_accents()
    {
        Assert.Equal(Set(Muller), await StudiesAsync("?PatientName=M%C3%BCller*"));
        Assert.Equal(Set(Muller), await StudiesAsync("?PatientName=muller%5Ejurgen"));
        Assert.Equal(Set(Muller), await StudiesAsync("?PatientName=M%C3%9CLLER%5EJ%C3%9CRGEN"));
        Assert.Empty(await StudiesAsync("?PatientName=Muller"));
        Assert.Equal(Set(Smith, Smithson), await StudiesAsync("?PatientName=Smith%2A"));
        Assert.Equal(Set(Smith), await StudiesAsync("?PatientName=Smith%5EJohn"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?PatientName=*Mar?a"));
    }

    [SkippableFact]
    public async Task Fuzzy_matching_finds_names_by_the_start_of_any_component()
    {
        Assert.Equal(Set(Muller), await StudiesAsync("?fuzzymatching=true&PatientName=jurg"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?fuzzymatching=true&PatientName=maria"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?fuzzymatching=true&PatientName=cruz"));
        Assert.Equal(Set(Smith), await StudiesAsync("?fuzzymatching=true&PatientName=john%20smi"));
        Assert.Equal(Set(Smith, Smithson), await StudiesAsync("?fuzzymatching=true&PatientName=SMITH"));
        Assert.Empty(await StudiesAsync("?fuzzymatching=true&PatientName=ohn"));
        Assert.Empty(await StudiesAsync("?fuzzymatching=false&PatientName=jurg"));
    }

    [SkippableFact]
    public async Task Date_ranges_may_be_closed_or_open()
    {
        Assert.Equal(Set(Smith, Cruz), await StudiesAsync("?StudyDate=20200301"));
        Assert.Equal(Set(Muller, Smith, Cruz), await StudiesAsync("?StudyDate=20200101-20200301"));
        Assert.Equal(Set(Smithson), await StudiesAsync("?StudyDate=20210101-"));
        Assert.Equal(Set(Muller), await StudiesAsync("?StudyDate=-20200131"));
        Assert.Equal(Set(Muller), await StudiesAsync("?PatientBirthDate=19000101-19991231"));
    }

    [SkippableFact]
    public async Task Study_date_and_time_combine_into_one_date_time_range()
    {
        // From 15 Jan 09:00 to 1 Mar 20:00: Müller (15 Jan 08:30) is before, Smith (1 Mar 23:59) after.
        Assert.Equal(Set(Cruz), await StudiesAsync("?StudyDate=20200115-20200301&StudyTime=0900-2000"));
        Assert.Equal(Set(Smith), await StudiesAsync("?StudyDate=20200301&StudyTime=2300-"));
        Assert.Equal(Set(Muller, Smith, Cruz), await StudiesAsync("?StudyDate=20200115-20200301&StudyTime=0800-"));
    }

    [SkippableFact]
    public async Task Times_match_to_the_precision_given()
    {
        Assert.Equal(Set(Muller, Cruz), await StudiesAsync("?StudyTime=08"));
        Assert.Equal(Set(Muller), await StudiesAsync("?StudyTime=0830"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?StudyTime=-0800"));
    }

    [SkippableFact]
    public async Task Modalities_in_study_match_any_of_the_study_modalities()
    {
        Assert.Equal(Set(Muller, Cruz), await StudiesAsync("?ModalitiesInStudy=CT"));
        Assert.Equal(Set(Muller), await StudiesAsync("?ModalitiesInStudy=SR"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?ModalitiesInStudy=PT"));
        Assert.Equal(Set(Muller, Smith, Cruz, Undated), await StudiesAsync("?ModalitiesInStudy=CT%5CMR"));
        Assert.Equal(Set(Muller, Smith, Cruz, Undated), await StudiesAsync("?ModalitiesInStudy=CT,MR"));
        Assert.Equal(Set(Muller, Smithson, Cruz), await StudiesAsync("?ModalitiesInStudy=C*"));
    }

    [SkippableFact]
    public async Task Studies_are_found_by_the_attributes_of_their_series_and_instances()
    {
        Assert.Equal(Set(Cruz), await StudiesAsync("?Modality=PT"));
        Assert.Equal(Set(Muller, Smithson, Cruz), await StudiesAsync("?Modality=C*"));
        Assert.Equal(Set(Muller, Smith, Undated), await StudiesAsync("?Modality=SR%5CMR"));
        Assert.Equal(Set(Muller), await StudiesAsync("?SeriesDescription=AXIAL"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?SOPInstanceUID=2.25.4.2.2"));
        Assert.Equal(Set(Smith), await StudiesAsync("?Modality=MR&SeriesDescription=T1"));
        // Both series keys must hold for the same series.
        Assert.Empty(await StudiesAsync("?Modality=CT&SeriesDescription=T1"));
        Assert.Equal(Set(Cruz), await StudiesAsync("?Modality=CT&InstanceNumber=2&SeriesNumber=2"));
    }

    [SkippableFact]
    public async Task Series_and_instances_are_found_by_the_attributes_of_their_study()
    {
        Assert.Equal(["2.25.2.1", "2.25.4.1", "2.25.4.2"], (await SeriesAsync("?StudyDate=20200301")).Order());
        Assert.Equal(["2.25.2.1.1", "2.25.2.1.2"], await InstancesAsync("?PatientName=smith%5Ejohn"));
        Assert.Equal(["2.25.1.2"], await SeriesAsync("?PatientID=PID-1&Modality=SR"));
        Assert.Equal(["2.25.4.2.1", "2.25.4.2.2"], await InstancesAsync("?AccessionNumber=ACC4&Modality=CT"));
    }

    [SkippableFact]
    public async Task Scoped_resources_search_inside_their_study_and_series_in_number_order()
    {
        Assert.Equal(["2.25.4.1", "2.25.4.2"], await SeriesAsync("", study: Cruz));
        Assert.Equal(["2.25.4.2"], await SeriesAsync("?Modality=CT", study: Cruz));
        Assert.Equal(4, (await InstancesAsync("", study: Muller)).Length);
        Assert.Equal(["2.25.1.1.1", "2.25.1.1.2", "2.25.1.1.3"], await InstancesAsync("", study: Muller, series: "2.25.1.1"));
        Assert.Empty(await InstancesAsync("", study: Smith, series: "2.25.1.1"));
        Assert.Empty(await SeriesAsync("", study: "2.25.404"));
    }

    [SkippableFact]
    public async Task Attributes_without_a_column_are_matched_on_the_stored_attributes()
    {
        Assert.Equal(Set(Muller), await StudiesAsync("?InstitutionName=HOPITAL*"));
        Assert.Equal(Set(Muller), await StudiesAsync("?OtherPatientIDsSequence.PatientID=INS-1"));
        Assert.Equal(Set(Muller), await StudiesAsync("?00101002.00100020=INS-1"));
        Assert.Empty(await StudiesAsync("?OtherPatientIDsSequence.PatientID=INS-2"));
        Assert.Equal(["2.25.1.1.2", "2.25.2.1.2", "2.25.4.2.2"], (await InstancesAsync("?SliceThickness=2.5")).Order());
        Assert.Equal(7, (await SeriesAsync("?PerformingPhysicianName=performer*")).Length);
        Assert.Equal(7, (await InstancesAsync("?ImageType=LOCALIZER")).Length);

        var page = await InstancePageAsync("?ImageType=LOCALIZER&limit=2&offset=1");
        Assert.Equal(2, page.Rows.Count);
        Assert.Equal(4, page.Remaining);
    }

    [SkippableFact]
    public async Task Pages_are_stable_and_the_rest_is_counted()
    {
        var first = await StudyPageAsync("?StudyDate=20200101-&limit=2");
        Assert.Equal([Smithson, Smith], first.Rows.Select(r => r.StudyInstanceUid));
        Assert.Equal(2, first.Remaining);
        var second = await StudyPageAsync("?StudyDate=20200101-&limit=2&offset=2");
        Assert.Equal([Cruz, Muller], second.Rows.Select(r => r.StudyInstanceUid));
        Assert.Equal(0, second.Remaining);
        var beyond = await StudyPageAsync("?StudyDate=20200101-&offset=4");
        Assert.Empty(beyond.Rows);
        Assert.Equal(0, beyond.Remaining);
        var countOnly = await StudyPageAsync("?StudyDate=20200101-&limit=0");
        Assert.Empty(countOnly.Rows);
        Assert.Equal(4, countOnly.Remaining);
    }

    [SkippableFact]
    public async Task Patterns_without_a_literal_prefix_page_newest_first_and_count_the_rest()
    {
        var first = await StudyPageAsync("?StudyDescription=*R*&limit=2");
        Assert.Equal([Smithson, Smith], first.Rows.Select(r => r.StudyInstanceUid));
        Assert.Equal(1, first.Remaining);
        var second = await StudyPageAsync("?StudyDescription=*R*&limit=2&offset=2");
        Assert.Equal([Muller], second.Rows.Select(r => r.StudyInstanceUid));
        Assert.Equal(0, second.Remaining);
        // Undated studies come last.
        var fuzzy = await StudyPageAsync("?fuzzymatching=true&PatientName=j");
        Assert.Equal([Smith, Muller, Undated], fuzzy.Rows.Select(r => r.StudyInstanceUid));
        var countOnly = await StudyPageAsync("?PatientID=*-*&limit=0");
        Assert.Empty(countOnly.Rows);
        Assert.Equal(5, countOnly.Remaining);
    }

    [SkippableFact]
    public async Task Universal_matching_selects_everything()
    {
        Assert.Equal(5, (await StudiesAsync("?PatientName=*")).Length);
        Assert.Equal(5, (await StudiesAsync("?PatientName=&StudyDate=")).Length);
    }

    [SkippableFact]
    public async Task Another_tenant_is_never_seen_nor_counted()
    {
        Assert.Equal(Set(Smith, Smithson), await StudiesAsync("?PatientName=Smith*"));
        Assert.Equal(Set(Smith, Smithson), await StudiesAsync("?PatientName=*smith*"));
        Assert.Equal(Set(Smith), await StudiesAsync("?StudyDescription=*BRAIN&limit=1"));
        var muller = Assert.Single((await StudyPageAsync("?StudyInstanceUID=2.25.1")).Rows);
        Assert.Equal(("Müller^Jürgen", 2, 4), (muller.PatientName, muller.NumberOfSeries, muller.NumberOfInstances));
        Assert.Equal(["2.25.1.1", "2.25.1.2"], await SeriesAsync("", study: Muller));
        Assert.Equal(3, (await InstancesAsync("", study: Muller, series: "2.25.1.1")).Length);
        Assert.Empty(await StudiesAsync("?SeriesInstanceUID=2.25.1.3"));
        Assert.Equal(4, (await StudyPageAsync("?limit=1")).Remaining);

        var inB = Assert.Single((await StudyPageAsync("?StudyInstanceUID=2.25.1", db.TenantB)).Rows);
        Assert.Equal("Müller^Bernd", inB.PatientName);
        Assert.Equal(5, (await InstancePageAsync("", Muller, "2.25.1.1", db.TenantB)).Rows.Count);
    }
}

public sealed class SqliteMatchingTests(SqliteQueryDatabase db) : MatchingTests<SqliteQueryDatabase>(db), IClassFixture<SqliteQueryDatabase>;

public sealed class PostgreSqlMatchingTests(PostgreSqlQueryDatabase db) : MatchingTests<PostgreSqlQueryDatabase>(db), IClassFixture<PostgreSqlQueryDatabase>;
