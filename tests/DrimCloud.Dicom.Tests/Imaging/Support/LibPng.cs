using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Imaging.Support;

/// <summary>libpng's pngfix (Debian libpng-tools) reads a whole PNG (chunks, CRCs, zlib stream, rows) and says whether it is valid.</summary>
public static class LibPng
{
    private const string Tool = "/usr/bin/pngfix";

    public static void AssertValid(byte[] png)
    {
        if (!File.Exists(Tool))
        {
            const string message = "libpng's pngfix is not installed (apt-get install libpng-tools)";
            if (Samples.IsCi) Assert.Fail(message);
            Skip.If(true, message);
        }
        var path = Path.Combine(Path.GetTempPath(), $"drimcloud-png-{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllBytes(path, png);
            var result = ExternalTool.Run(Tool, ["--errors", path]);
            Assert.True(result.ExitCode == 0, $"libpng rejects the PNG (exit {result.ExitCode}): {result.StdOut} {result.StdErr}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
