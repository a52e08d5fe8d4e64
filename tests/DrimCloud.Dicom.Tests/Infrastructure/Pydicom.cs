using System.Text.Json;

namespace DrimCloud.Dicom.Tests.Infrastructure;

/// <summary>pydicom (Debian's python3-pydicom, run with /usr/bin/python3) as the reference for decoded text.</summary>
public static class Pydicom
{
    /// <summary>Prints {"path": ["value", …]} for every text element (PN, SH, LO, ST, LT, UT, UC), nested items included,
    /// after pydicom applied the Specific Character Set of each dataset.</summary>
    private const string DumpTextScript = """
        import sys, json, pydicom
        from pydicom.multival import MultiValue
        out = {}
        def walk(ds, prefix):
            for elem in ds:
                key = prefix + "%08X" % int(elem.tag)
                if elem.VR == 'SQ':
                    for i, item in enumerate(elem.value):
                        walk(item, key + "/%d/" % i)
                elif elem.VR in ('PN', 'SH', 'LO', 'ST', 'LT', 'UT', 'UC'):
                    v = elem.value
                    if v is None or v == '':
                        vals = []
                    elif isinstance(v, (list, MultiValue)):
                        vals = [str(x) for x in v]
                    else:
                        vals = [str(v)]
                    out[key] = vals
        ds = pydicom.dcmread(sys.argv[1], force=True)
        ds.decode()
        walk(ds, "")
        print(json.dumps(out, ensure_ascii=False))
        """;

    public static Dictionary<string, string[]> DecodedText(string path)
    {
        ExternalTool.Require("pydicom");
        var result = ExternalTool.Run(ExternalTool.Python, ["-c", DumpTextScript, path]);
        Assert.True(result.ExitCode == 0, "pydicom failed: " + result.StdErr);
        return JsonSerializer.Deserialize<Dictionary<string, string[]>>(result.StdOut)!;
    }

    /// <summary>pydicom's own character set test files (they ship with python3-pydicom), or none when it is absent.</summary>
    public static IReadOnlyList<string> CharsetFiles()
    {
        try
        {
            var result = ExternalTool.Run(ExternalTool.Python, ["-c", "import os, pydicom; print(os.path.join(os.path.dirname(pydicom.__file__), 'data', 'charset_files'))"], TimeSpan.FromSeconds(30));
            var dir = result.StdOut.Trim();
            return result.ExitCode == 0 && Directory.Exists(dir) ? Directory.GetFiles(dir, "chr*.dcm").Order().ToList() : [];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }
}
