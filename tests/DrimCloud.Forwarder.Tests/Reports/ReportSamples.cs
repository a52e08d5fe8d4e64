using System.Text;

namespace DrimCloud.Forwarder.Tests.Reports;

/// <summary>The ANS HL7v2 report samples under ../shared/conformance.</summary>
internal static class ReportSamples
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

    public static string ExamCOru => Path.Combine(ConformanceRoot, "ans-drim-m-data", "derived-pdf-substituted", "Référencement DRIMBox",
        "Jeux de données", "HL7v2", "Examen C", "CR_C-ORU.hl7");

    public static string OmiO23 => Path.Combine(ConformanceRoot, "ans-drim-m-data", "informatif", "HL7v2 OMI^O23 Sample", "OMI^O23-ImagingOrder.hl7");

    public static string PrototypeOru => Path.Combine(ConformanceRoot, "ans-drimbox-examples", "prototype-test-resources", "patient1.hl7");

    public static byte[] WithControlId(string path, string controlId) =>
        Encoding.UTF8.GetBytes(File.ReadAllText(path, Encoding.UTF8).Replace("{{idMessage}}", controlId, StringComparison.Ordinal));

    /// <summary>The exam C ORU with a few characters of its base64 CDA replaced: framing intact, content broken.</summary>
    public static byte[] Corrupted(string controlId)
    {
        var text = Encoding.UTF8.GetString(WithControlId(ExamCOru, controlId));
        var at = text.IndexOf("^Base64^", StringComparison.Ordinal) + 500;
        return Encoding.UTF8.GetBytes(text[..at] + "*%*" + text[(at + 3)..]);
    }
}
