using System.Text;
using DrimCloud.Hl7.Er7;
using DrimCloud.Hl7.Reports;

namespace DrimCloud.Hl7.Tests;

public sealed class ReportMessageReaderTests
{
    private static ReportMessage Read(byte[] bytes) => ReportMessageReader.Read(Hl7Parser.Parse(bytes));

    [Fact]
    public void ANS_ORU_sample_new_report_with_INS_IPP_study_and_flags()
    {
        var r = Read(File.ReadAllBytes(AnsSamples.ExamCOru));
        Assert.Equal(ReportAction.New, r.Action);
        Assert.Equal("1.2.250.1.213.4.5.4.403", r.DocumentId);
        Assert.Null(r.ParentDocumentId);
        Assert.Equal("D52DE737-001D-4031-B571-0A0ED7C42300", r.SetId);
        Assert.Equal(1, r.VersionNumber);
        Assert.Equal("279035121518989", r.Patient.InsMatricule);
        Assert.Equal("1.2.250.1.213.1.4.10", r.Patient.InsOid);
        Assert.Equal("IPP101", r.Patient.LocalId);
        Assert.Equal("1.2.250.1.213.4.5.2.4", r.Patient.LocalIdIssuer);
        Assert.Equal("PAT-TROIS", r.Patient.BirthFamilyName);
        Assert.Equal("DOMINIQUE", r.Patient.FirstBirthGivenName);
        Assert.Equal("19790328", r.Patient.BirthDate);
        Assert.Equal("F", r.Patient.Sex);
        Assert.Equal("51215", r.Patient.BirthPlaceCode);
        Assert.Equal("VALI", r.Patient.IdentityReliability);
        Assert.Equal("ACN103", r.AccessionNumber);           // the CDA's, not OBR-18's
        Assert.Equal("1.2.250.1.925.994044.27", r.AccessionIssuer);
        Assert.Equal("OPN103", r.PlacerOrderNumber);
        Assert.Equal("09011600123", r.FillerOrderNumber);
        Assert.Equal("1.2.250.1.213.4.5.2.1.103", r.StudyInstanceUid);
        Assert.Equal("Y", r.Flags["DESTDMP"]);
        Assert.Equal("Y", r.Flags["INVISIBLE_PATIENT"]);
        Assert.StartsWith("<?xml", Encoding.UTF8.GetString(r.Cda), StringComparison.Ordinal);
    }

    [Fact]
    public void ANS_MDM_sample_checks_TXA12_against_the_CDA_id()
    {
        var r = Read(File.ReadAllBytes(AnsSamples.ExamCMdm));
        Assert.Equal(ReportAction.New, r.Action);
        Assert.Equal("1.2.250.1.213.4.5.4.403", r.DocumentId);
        var other = Encoding.UTF8.GetBytes(File.ReadAllText(AnsSamples.ExamCMdm).Replace("||||||||1.2.250.1.213.4.5.4.403|", "||||||||1.2.250.1.213.4.5.4.999|", StringComparison.Ordinal));
        var e = Assert.Throws<Hl7Exception>(() => Read(other));
        Assert.Contains("TXA-12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_ANS_report_sample_is_read()
    {
        var samples = AnsSamples.AllReportSamples().Where(p => p != AnsSamples.PrototypeOru).ToList();
        Assert.True(samples.Count >= 8, $"only {samples.Count} samples found under {AnsSamples.ConformanceRoot}");
        foreach (var path in samples)
        {
            var r = Read(File.ReadAllBytes(path));
            Assert.Equal(ReportAction.New, r.Action);
            Assert.Equal("279035121518989", r.Patient.InsMatricule);
            Assert.StartsWith("1.2.250.1.213.4.5.4.40", r.DocumentId, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Prototype_ORU_without_PID_takes_the_patient_from_the_CDA()
    {
        var r = Read(File.ReadAllBytes(AnsSamples.PrototypeOru));
        Assert.Equal(ReportAction.New, r.Action);
        Assert.NotNull(r.Patient.InsMatricule);
        Assert.Equal("1.2.250.1.213.1.4.10", r.Patient.InsOid);
        Assert.Equal("Y", r.Flags["DESTDMP"]);
    }

    [Fact]
    public void Derived_T10_is_a_replacement_naming_its_parent()
    {
        var r = Read(AnsSamples.DeriveMdm("R-1", "T10", newDocumentId: "1.2.250.1.213.4.5.4.403.2"));
        Assert.Equal(ReportAction.Replace, r.Action);
        Assert.Equal("1.2.250.1.213.4.5.4.403.2", r.DocumentId);
        Assert.Equal("1.2.250.1.213.4.5.4.403", r.ParentDocumentId);
        Assert.Equal(2, r.VersionNumber);
        Assert.Equal("D52DE737-001D-4031-B571-0A0ED7C42300", r.SetId);
    }

    [Fact]
    public void Derived_T04_is_a_deletion_of_the_carried_document()
    {
        var r = Read(AnsSamples.DeriveMdm("D-1", "T04"));
        Assert.Equal(ReportAction.Delete, r.Action);
        Assert.Equal("1.2.250.1.213.4.5.4.403", r.DocumentId);
    }

    [Theory]
    [InlineData("F", ReportAction.New)]
    [InlineData("C", ReportAction.Replace)]
    [InlineData("D", ReportAction.Delete)]
    public void ORU_action_comes_from_OBX11(string status, ReportAction expected)
    {
        var text = File.ReadAllText(AnsSamples.ExamCOru);
        var cda = AnsSamples.ExamCCda();
        if (status == "C")
        {
            cda = cda.Replace("<componentOf>", "<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"1.2.3\"/></parentDocument></relatedDocument><componentOf>", StringComparison.Ordinal);
            text = ReplaceDocument(text, cda);
        }
        text = SetDocumentStatus(text, status);
        Assert.Equal(expected, Read(Encoding.UTF8.GetBytes(text)).Action);
    }

    [Fact]
    public void A_replacement_without_parent_is_refused()
    {
        var text = SetDocumentStatus(File.ReadAllText(AnsSamples.ExamCOru), "C");
        var e = Assert.Throws<Hl7Exception>(() => Read(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(Hl7ErrorCode.RequiredFieldMissing, e.Code);
        Assert.False(e.IsRejection);
    }

    [Fact]
    public void A_contradiction_between_event_and_OBX11_is_refused()
    {
        var text = SetDocumentStatus(Encoding.UTF8.GetString(AnsSamples.DeriveMdm("X", "T04")), "F");
        Assert.Equal(Hl7ErrorCode.TableValueNotFound, Assert.Throws<Hl7Exception>(() => Read(Encoding.UTF8.GetBytes(text))).Code);
    }

    [Fact]
    public void Corrupted_base64_is_a_data_type_error()
    {
        var text = File.ReadAllText(AnsSamples.ExamCOru);
        var at = text.IndexOf("^Base64^", StringComparison.Ordinal) + 200;
        var corrupted = text[..at] + "!!" + text[(at + 2)..];
        var e = Assert.Throws<Hl7Exception>(() => Read(Encoding.UTF8.GetBytes(corrupted)));
        Assert.Equal(Hl7ErrorCode.DataTypeError, e.Code);
        Assert.Equal("OBX^1^5", e.Location);
    }

    [Fact]
    public void A_truncated_CDA_is_a_data_type_error()
    {
        var cda = AnsSamples.ExamCCda();
        var text = ReplaceDocument(File.ReadAllText(AnsSamples.ExamCOru), cda[..(cda.Length / 2)]);
        var e = Assert.Throws<Hl7Exception>(() => Read(Encoding.UTF8.GetBytes(text)));
        Assert.Contains("CDA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PID_and_CDA_naming_different_patients_is_refused()
    {
        var text = File.ReadAllText(AnsSamples.ExamCOru).Replace("PID|||279035121518989^", "PID|||274075176079430^", StringComparison.Ordinal);
        Assert.Contains("differs", Assert.Throws<Hl7Exception>(() => Read(Encoding.UTF8.GetBytes(text))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_CDA_may_be_split_across_OBX5_repetitions()
    {
        var cda = Convert.ToBase64String(Encoding.UTF8.GetBytes(AnsSamples.ExamCCda()));
        var half = cda.Length / 2;
        var text = File.ReadAllText(AnsSamples.ExamCOru);
        text = ReplaceObx5(text, $"^TEXT^XML^Base64^{cda[..half]}~^TEXT^XML^Base64^{cda[half..]}");
        Assert.Equal("1.2.250.1.213.4.5.4.403", Read(Encoding.UTF8.GetBytes(text)).DocumentId);
    }

    [Fact]
    public void ANS_OMI_order_is_an_application_reject()
    {
        var m = Hl7Parser.Parse(File.ReadAllBytes(AnsSamples.OmiO23));
        Assert.Equal("OMI", m.MessageType);
        Assert.Equal("1.2.250.1.213.4.5.2.1.101", m.First("IPC")!.Value(3));
        var e = Assert.Throws<Hl7Exception>(() => ReportMessageReader.Read(m));
        Assert.True(e.IsRejection);
        Assert.Equal(Hl7ErrorCode.UnsupportedMessageType, e.Code);
    }

    [Theory]
    [InlineData("MDM^T01^MDM_T01", Hl7ErrorCode.UnsupportedEventCode)]
    [InlineData("ADT^A01^ADT_A01", Hl7ErrorCode.UnsupportedMessageType)]
    public void Other_types_and_events_are_application_rejects(string type, Hl7ErrorCode code)
    {
        var text = File.ReadAllText(AnsSamples.ExamCMdm).Replace("MDM^T02^MDM_T02", type, StringComparison.Ordinal);
        var e = Assert.Throws<Hl7Exception>(() => Read(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(code, e.Code);
        Assert.True(e.IsRejection);
    }

    [Fact]
    public void Version_3_is_an_application_reject()
    {
        var text = File.ReadAllText(AnsSamples.ExamCMdm).Replace("|P|2.6|", "|P|3.0|", StringComparison.Ordinal);
        Assert.Equal(Hl7ErrorCode.UnsupportedVersionId, Assert.Throws<Hl7Exception>(() => Read(Encoding.UTF8.GetBytes(text))).Code);
    }

    internal static string SetDocumentStatus(string text, string status) => MapDocumentObx(text, fields => fields[11] = status);

    internal static string ReplaceDocument(string text, string cda) =>
        ReplaceObx5(text, "^TEXT^XML^Base64^" + Convert.ToBase64String(Encoding.UTF8.GetBytes(cda)));

    private static string ReplaceObx5(string text, string obx5) => MapDocumentObx(text, fields => fields[5] = obx5);

    private static string MapDocumentObx(string text, Action<string[]> change)
    {
        var lines = text.Split("\r\n");
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("OBX|1|ED|", StringComparison.Ordinal)) continue;
            var fields = lines[i].Split('|');
            if (fields.Length < 12) Array.Resize(ref fields, 12);
            change(fields);
            lines[i] = string.Join('|', fields.Select(f => f ?? ""));
        }
        return string.Join("\r\n", lines);
    }
}
