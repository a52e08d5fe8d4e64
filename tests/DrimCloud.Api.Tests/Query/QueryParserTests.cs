using DrimCloud.Api.DicomWeb.Query;
using DrimCloud.Dicom;

namespace DrimCloud.Api.Tests.Query;

public sealed class QueryParserTests
{
    private static QidoQuery Parse(string query, QueryLevel target = QueryLevel.Study) => QueryParser.Parse(target, null, null, query);

    private static Matcher Key(string query, QueryLevel target = QueryLevel.Study) => Assert.Single(Parse(query, target).Keys).Matcher;

    [Fact]
    public void Values_are_percent_decoded_per_RFC_3986()
    {
        Assert.Equal(new WildcardMatch("Müller*"), Key("?PatientName=M%C3%BCller*"));
        Assert.Equal(new WildcardMatch("Smith*"), Key("?PatientName=Smith%2A"));
        Assert.Equal(new SingleValueMatch("Doe^John"), Key("?PatientName=Doe%5EJohn"));
        Assert.Equal(new RangeMatch("20100101", "20151231"), Key("?StudyDate=20100101%2D20151231"));
        // RFC 3986 has no form encoding: a plus sign is a plus sign.
        Assert.Equal(new SingleValueMatch("A+B"), Key("?StudyDescription=A+B"));
    }

    [Fact]
    public void Keywords_hex_tags_and_sequence_paths_name_attributes()
    {
        var byKeyword = Assert.Single(Parse("?PatientName=X").Keys);
        var byTag = Assert.Single(Parse("?00100010=X").Keys);
        Assert.Equal(byKeyword.Path.ToString(), byTag.Path.ToString());
        Assert.Equal(DicomVR.PN, byTag.VR);
        Assert.Equal(QueryLevel.Study, byTag.Level);

        var nested = Assert.Single(Parse("?OtherPatientIDsSequence.PatientID=INS-1").Keys);
        Assert.Equal("00101002.00100020", nested.Path.ToString());
        Assert.Equal(nested.Path.ToString(), Assert.Single(Parse("?00101002.00100020=INS-1").Keys).Path.ToString());
        Assert.Equal(QueryLevel.Series, Assert.Single(Parse("?Modality=CT").Keys).Level);
        Assert.Equal(QueryLevel.Instance, Assert.Single(Parse("?SOPInstanceUID=1.2").Keys).Level);
    }

    [Theory]
    [InlineData("?PatientNam=X", "PatientNam")]
    [InlineData("?0010001G=X", "0010001G")]
    [InlineData("?Limit=5", "Limit")]
    [InlineData("?limit=abc", "limit")]
    [InlineData("?limit=-1", "limit")]
    [InlineData("?limit=1&limit=2", "limit")]
    [InlineData("?offset=1.5", "offset")]
    [InlineData("?fuzzymatching=yes", "fuzzymatching")]
    [InlineData("?StudyDate=2020-01-01", "StudyDate")]
    [InlineData("?StudyDate=20201301", "StudyDate")]
    [InlineData("?StudyDate=20201231-20200101", "StudyDate")]
    [InlineData("?StudyDate=-", "StudyDate")]
    [InlineData("?StudyTime=2500", "StudyTime")]
    [InlineData("?StudyTime=10:30", "StudyTime")]
    [InlineData("?StudyInstanceUID=1.2.*", "StudyInstanceUID")]
    [InlineData("?StudyInstanceUID=1.2,,1.3", "StudyInstanceUID")]
    [InlineData("?PatientName=A&PatientName=B", "PatientName")]
    [InlineData("?PatientName=A&00100010=B", "00100010")]
    [InlineData("?includefield=NotAKeyword", "includefield")]
    [InlineData("?includefield=all&includefield=PatientID", "includefield")]
    [InlineData("?PatientID.PatientName=X", "PatientID.PatientName")]
    [InlineData("?00091010=X", "00091010")]
    [InlineData("?charset=iso-8859-1", "charset")]
    [InlineData("?InstanceNumber=abc", "InstanceNumber")]
    [InlineData("?SliceThickness=1", "SliceThickness")]
    [InlineData("?PixelData=1", "PixelData")]
    public void Unknown_or_malformed_parameters_are_refused_naming_the_parameter(string query, string parameter)
    {
        var error = Assert.Throws<QueryParameterException>(() => Parse(query));
        Assert.Equal(parameter, error.Parameter);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Includefield_accepts_repeated_and_comma_separated_keywords_and_tags()
    {
        var query = Parse("?includefield=00081030,00080060&includefield=PatientBirthDate&includefield=StudyDescription");
        Assert.Equal([DicomTags.StudyDescription, DicomTags.Modality, DicomTags.PatientBirthDate], query.IncludeFields);
        Assert.False(query.IncludeAll);
        Assert.True(Parse("?includefield=all").IncludeAll);
    }

    [Fact]
    public void Limit_has_a_server_default_and_is_capped_at_the_server_maximum()
    {
        Assert.Equal(100, Parse("").Limit);
        Assert.Equal(1_000, Parse("?limit=100000").Limit);
        Assert.Equal(1_000, Parse("", QueryLevel.Series).Limit);
        Assert.Equal(10_000, Parse("", QueryLevel.Instance).Limit);
        var paged = Parse("?limit=101&offset=202");
        Assert.Equal((101, 202), (paged.Limit, paged.Offset));
        Assert.Equal(0, Parse("?limit=0").Limit);
    }

    [Fact]
    public void Times_and_date_times_match_to_the_precision_given()
    {
        Assert.Equal(new RangeMatch("1030", "103059.999999"), Key("?StudyTime=1030"));
        Assert.Equal(new RangeMatch("10", "105959.999999"), Key("?StudyTime=10"));
        Assert.Equal(new RangeMatch("103015.5", "103015.599999"), Key("?StudyTime=103015.5"));
        Assert.Equal(new RangeMatch(null, "120059.999999"), Key("?StudyTime=-1200"));
        Assert.Equal(new SingleValueMatch("20200101"), Key("?StudyDate=20200101"));
        Assert.Equal(new RangeMatch("20200101", null), Key("?StudyDate=20200101-"));
        // A DT may carry a negative UTC offset: that dash is not a range.
        Assert.Equal(new RangeMatch("20200101120000-0500", "20200101120000-0500~"), Key("?AcquisitionDateTime=20200101120000-0500", QueryLevel.Instance));
        Assert.Equal(new RangeMatch("2020", "202012~"), Key("?AcquisitionDateTime=2020-202012", QueryLevel.Instance));
    }

    [Fact]
    public void Matching_kinds_follow_the_value_representation()
    {
        Assert.Equal(new UniversalMatch(), Key("?PatientName="));
        Assert.Equal(new UniversalMatch(), Key("?PatientName=*"));
        Assert.Equal(new UniversalMatch(), Key("?PatientName"));
        Assert.Equal(["1.2", "1.3"], Assert.IsType<ListMatch>(Key("?StudyInstanceUID=1.2%5C1.3")).Values);
        Assert.Equal(["1.2", "1.3"], Assert.IsType<ListMatch>(Key("?StudyInstanceUID=1.2,1.3")).Values);
        Assert.Equal(["CT", "MR"], Assert.IsType<ListMatch>(Key("?ModalitiesInStudy=CT%5CMR")).Values);
        Assert.Equal(new SingleValueMatch("7"), Key("?InstanceNumber=007", QueryLevel.Instance));
        Assert.Equal(["MULLER", "JU*"], Assert.IsType<FuzzyNameMatch>(Key("?PatientName=m%C3%BCller%5Eju*&fuzzymatching=true")).Words);
    }

    [Fact]
    public void Parameters_accepted_but_not_acted_on_produce_warnings()
    {
        var query = Parse("?emptyvaluematching=true&multiplevaluematching=false&TimezoneOffsetFromUTC=%2B0100&accept=application/dicom%2Bjson");
        Assert.Empty(query.Keys);
        Assert.Equal(2, query.Warnings.Count);
        Assert.Contains(query.Warnings, w => w.StartsWith("The emptyvaluematching parameter is not supported", StringComparison.Ordinal));
        Assert.Contains(query.Warnings, w => w.Contains("Timezone", StringComparison.Ordinal));
        Assert.Empty(Parse("?fuzzymatching=true&PatientName=X").Warnings);
    }
}
