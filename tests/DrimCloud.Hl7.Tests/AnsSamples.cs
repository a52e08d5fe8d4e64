using System.Text;

namespace DrimCloud.Hl7.Tests;

/// <summary>
/// The ANS HL7v2 report samples (../shared/conformance) and the messages derived from them for replacement and deletion,
/// as the CI-SIS profile defines them (MDM^T10 / OBX-11 = C with a CDA whose relatedDocument RPLC names the previous
/// version; MDM^T04 / OBX-11 = D carrying the latest version).
/// </summary>
public static class AnsSamples
{
    public static string ConformanceRoot
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !Directory.Exists(Path.Combine(dir, "shared", "conformance")))
                dir = Path.GetDirectoryName(dir);
            return dir is null ? "/work/shared/conformance" : Path.Combine(dir, "shared", "conformance");
        }
    }

    private static string DataSet => Path.Combine(ConformanceRoot, "ans-drim-m-data", "derived-pdf-substituted", "Référencement DRIMBox", "Jeux de données", "HL7v2");

    public static string ExamCOru => Path.Combine(DataSet, "Examen C", "CR_C-ORU.hl7");
    public static string ExamCMdm => Path.Combine(DataSet, "Examen C", "CR_C-MDM.hl7");
    public static string AnnexBMdm => Path.Combine(DataSet, "Annexes", "Examen B", "CR_B-MDM.hl7");
    public static string PrototypeOru => Path.Combine(ConformanceRoot, "ans-drimbox-examples", "prototype-test-resources", "patient1.hl7");
    public static string OmiO23 => Path.Combine(ConformanceRoot, "ans-drim-m-data", "informatif", "HL7v2 OMI^O23 Sample", "OMI^O23-ImagingOrder.hl7");

    public static IEnumerable<string> AllReportSamples() => Directory.EnumerateFiles(DataSet, "*.hl7", SearchOption.AllDirectories).Append(PrototypeOru);

    /// <summary>A sample with its templated MSH-7 / MSH-10 ("{{idMessage}}") filled in, as the ANS README asks.</summary>
    public static byte[] WithControlId(string path, string controlId) =>
        Encoding.UTF8.GetBytes(File.ReadAllText(path, Encoding.UTF8).Replace("{{idMessage}}", controlId, StringComparison.Ordinal));

    /// <summary>
    /// Derives the replacement (MDM^T10, OBX-11 = C) or the deletion (MDM^T04, OBX-11 = D) of the exam C MDM message.
    /// The replacement carries version 2 of the document: new id, same setId, versionNumber 2 and a relatedDocument
    /// RPLC pointing at the original id; TXA-12 follows the new id. The deletion carries the latest version unchanged.
    /// </summary>
    public static byte[] DeriveMdm(string controlId, string trigger, string? newDocumentId = null, string? cdaOverride = null)
    {
        var text = File.ReadAllText(ExamCMdm, Encoding.UTF8).Replace("{{idMessage}}", controlId, StringComparison.Ordinal);
        var lines = text.Split("\r\n").ToList();
        var original = "1.2.250.1.213.4.5.4.403";
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith("MSH|", StringComparison.Ordinal))
                lines[i] = line.Replace("MDM^T02^MDM_T02", $"MDM^{trigger}^MDM_T02", StringComparison.Ordinal);
            else if (line.StartsWith("TXA|", StringComparison.Ordinal) && newDocumentId is not null)
                lines[i] = line.Replace(original, newDocumentId, StringComparison.Ordinal);
            else if (line.StartsWith("OBX|1|ED|", StringComparison.Ordinal))
            {
                var fields = line.Split('|');
                var components = fields[5].Split('^');
                var cda = Encoding.UTF8.GetString(Convert.FromBase64String(components[4]));
                if (newDocumentId is not null) cda = MakeNewVersion(cda, original, newDocumentId);
                if (cdaOverride is not null) cda = cdaOverride;
                components[4] = Convert.ToBase64String(Encoding.UTF8.GetBytes(cda));
                fields[5] = string.Join('^', components);
                fields[11] = trigger switch { "T10" => "C", "T04" => "D", _ => "F" };
                lines[i] = string.Join('|', fields);
            }
        }
        return Encoding.UTF8.GetBytes(string.Join("\r\n", lines));
    }

    public static string ExamCCda()
    {
        var text = File.ReadAllText(ExamCMdm, Encoding.UTF8);
        var line = text.Split("\r\n").First(l => l.StartsWith("OBX|1|ED|", StringComparison.Ordinal));
        return Encoding.UTF8.GetString(Convert.FromBase64String(line.Split('|')[5].Split('^')[4]));
    }

    private static string MakeNewVersion(string cda, string originalId, string newId)
    {
        cda = cda.Replace($"<id root=\"{originalId}\"/>", $"<id root=\"{newId}\"/>", StringComparison.Ordinal);
        cda = cda.Replace("<versionNumber value=\"1\"/>", "<versionNumber value=\"2\"/>", StringComparison.Ordinal);
        var related = $"<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"{originalId}\"/></parentDocument></relatedDocument>";
        // relatedDocument comes after documentationOf and before authorization/componentOf in the CDA schema.
        var at = cda.IndexOf("<componentOf>", StringComparison.Ordinal);
        return cda.Insert(at, related + "\n");
    }
}
