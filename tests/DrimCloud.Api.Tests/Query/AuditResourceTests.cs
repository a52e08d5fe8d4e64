using DrimCloud.Api.DicomWeb.Query;
using Microsoft.AspNetCore.Http;

namespace DrimCloud.Api.Tests.Query;

public sealed class AuditResourceTests
{
    [Fact]
    public void The_audited_resource_keeps_uids_and_drops_patient_identity()
    {
        var query = QueryParser.Parse(QueryLevel.Series, "1.2.3", null,
            "?PatientName=Doe*&PatientID=IPP-42&SeriesInstanceUID=1.2.3.4,1.2.3.5&StudyDate=20200101-&includefield=all");
        var resource = AuditResource.Describe(new PathString("/tenants/demo/dicomweb/studies/1.2.3/series"), query);
        Assert.Equal("/studies/1.2.3/series?SeriesInstanceUID=1.2.3.4,1.2.3.5", resource);

        var detail = AuditResource.Detail(query, returned: 3, remaining: 7);
        Assert.Equal("matched on PatientName, PatientID, SeriesInstanceUID, StudyDate; 3 returned, 7 more", detail);
        Assert.DoesNotContain("Doe", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("IPP-42", resource + detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_query_is_audited_by_its_path_alone()
    {
        Assert.Equal("/studies", AuditResource.Describe(new PathString("/tenants/demo/dicomweb/studies"), null));
    }
}
