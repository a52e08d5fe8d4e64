using System.Security.Cryptography;
using System.Text;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>
/// The corpus' dicomdirtests hierarchy (2 patients, 6 studies, 13 series, 31 instances) plus chrFren.dcm, copied with
/// fresh UIDs and patient IDs for this test run, so that the QIDO assertions hold whatever other test classes store
/// into the same tenants. The copies are made by same-length byte substitution (values keep their lengths, so the
/// files stay valid without re-encoding them); one patient is renamed Smith and the French one Müller.
/// </summary>
public sealed class QueryTestData
{
    private const string CorpusPrefix = "1.3.6.1.4.1.5962.1.1.0.0.0.";
    private const string FrenchPrefix = "1.3.6.1.4.1.5962.1.";
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static QueryTestData? s_data;
    private readonly HashSet<string> _storedIn = [];

    private QueryTestData(string directory, string prefix, string frenchPrefix)
    {
        Directory = directory;
        Prefix = prefix;
        FrenchStudy = frenchPrefix + "2.0.1175775772.5720.0";
    }

    public string Directory { get; }

    /// <summary>Replaces "1.3.6.1.4.1.5962.1.1.0.0.0." in every dicomdirtests UID.</summary>
    public string Prefix { get; }

    /// <summary>Patient "Smith^Archie" (originally Doe^Archibald, 77654033): a CR study (3 series) and a CT study.</summary>
    public string PatientA { get; } = RandomId(8);

    /// <summary>Patient "Doe^Peter" (98890234): a CT study (2 series) and three MR studies.</summary>
    public string PatientB { get; } = RandomId(8);

    /// <summary>Patient "Müller^Jan" (chrFren.dcm, ISO_IR 100), one study of one instance.</summary>
    public string PatientC { get; } = RandomId(7);

    public string FrenchStudy { get; }

    public IReadOnlyList<string> DicomdirFiles => System.IO.Directory.GetFiles(Path.Combine(Directory, "dicomdir"));

    public string FrenchFile => Path.Combine(Directory, "chrFren.dcm");

    /// <summary>A dicomdirtests UID with this run's prefix, from its corpus suffix ("1196533885.18148.0.1").</summary>
    public string Uid(string suffix) => Prefix + suffix;

    // Patient A
    public string CrStudy => Uid("1196527414.5534.0.1");
    public string HeadCtStudy => Uid("1196530851.28319.0.1");

    // Patient B
    public string CtStudy => Uid("1194734704.16302.0.1");
    public string MraStudy => Uid("1196533885.18148.0.1");
    public string BrainStudy => Uid("1196533885.18148.0.133");
    public string CarotidStudy => Uid("1196533885.18148.0.427");

    /// <summary>The copies, made once per test run.</summary>
    public static async Task<QueryTestData> GetAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            return s_data ??= Create();
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>Stores the dicomdirtests copies (and, if asked, the Müller study) into the client's tenant, once per tenant.</summary>
    public async Task StoreAsync(DicomWebTestClient client, bool withFrench = true)
    {
        await s_gate.WaitAsync();
        try
        {
            var key = $"{client.Tenant}/{withFrench}";
            if (_storedIn.Contains(key)) return;
            var files = withFrench ? DicomdirFiles.Append(FrenchFile) : DicomdirFiles;
            var (status, body) = await client.StoreAsync(files);
            if (status != 200) throw new InvalidOperationException($"STOW of the QIDO test data into {client.Tenant} answered {status}: {body.RootElement}");
            _storedIn.Add(key);
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static QueryTestData Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"drimcloud-qido-{Guid.NewGuid():N}");
        var data = new QueryTestData(directory, "2.25." + RandomDigits(21) + ".", "2.25." + RandomDigits(13) + ".");
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "dicomdir"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        };
        var source = SampleFiles.Path("pydicom/dicomdirtests");
        foreach (var file in System.IO.Directory.GetFiles(source, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "DICOMDIR"))
        {
            var bytes = File.ReadAllBytes(file);
            Replace(bytes, CorpusPrefix, data.Prefix, minimum: 4);
            if (Replace(bytes, "77654033", data.PatientA, minimum: 0) == 1) Replace(bytes, "Doe^Archibald", "Smith^Archie ", minimum: 1);
            else Replace(bytes, "98890234", data.PatientB, minimum: 1);
            File.WriteAllBytes(Path.Combine(directory, "dicomdir", Path.GetRelativePath(source, file).Replace('/', '-')), bytes);
        }
        var french = File.ReadAllBytes(SampleFiles.Path("pydicom/charset_files/chrFren.dcm"));
        Replace(french, FrenchPrefix, data.FrenchStudy[..FrenchPrefix.Length], minimum: 4);
        Replace(french, "SCSFREN", data.PatientC, minimum: 1);
        Replace(french, "Buc^J\u00e9r\u00f4me", "M\u00fcller^Jan", minimum: 1);
        File.WriteAllBytes(data.FrenchFile, french);
        return data;
    }

    /// <summary>Replaces every occurrence of an ISO 8859-1 string by another of the same length; returns the count.</summary>
    private static int Replace(byte[] bytes, string from, string to, int minimum)
    {
        var find = Encoding.Latin1.GetBytes(from);
        var with = Encoding.Latin1.GetBytes(to);
        if (find.Length != with.Length) throw new ArgumentException($"'{to}' must have the length of '{from}'.");
        var count = 0;
        for (var at = bytes.AsSpan().IndexOf(find); at >= 0;)
        {
            with.CopyTo(bytes, at);
            count++;
            var next = bytes.AsSpan(at + find.Length).IndexOf(find);
            at = next < 0 ? -1 : at + find.Length + next;
        }
        if (count < minimum) throw new InvalidOperationException($"'{from}' was found {count} times, expected at least {minimum}: has the corpus changed?");
        return count;
    }

    private static string RandomDigits(int count) =>
        RandomNumberGenerator.GetInt32(1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture)
        + string.Concat(Enumerable.Range(1, count - 1).Select(_ => RandomNumberGenerator.GetInt32(0, 10)));

    private static string RandomId(int length) =>
        "Q" + string.Concat(Enumerable.Range(1, length - 1).Select(_ => "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[RandomNumberGenerator.GetInt32(0, 32)]));
}
