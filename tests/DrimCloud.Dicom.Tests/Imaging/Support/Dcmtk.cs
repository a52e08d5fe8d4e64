using DrimCloud.Dicom.Imaging;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.Imaging.Support;

/// <summary>Reference renderings and decodings made at test time by DCMTK (dcm2pnm, dcmj2pnm, img2dcm), never stored.</summary>
public static class DcmtkImaging
{
    /// <summary>Renders a DICOM file with dcm2pnm (or dcmj2pnm) and the given options into an 8-bit picture.</summary>
    public static DisplayImage Render(string dicomPath, params string[] options) => RenderWith("dcm2pnm", dicomPath, options);

    public static DisplayImage RenderWith(string tool, string dicomPath, params string[] options)
    {
        ExternalTool.Require(tool);
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"drimcloud-ref-{Guid.NewGuid():N}.pnm");
        try
        {
            var result = ExternalTool.Run(tool, [.. options, "+op", dicomPath, output]);
            Assert.True(result.ExitCode == 0, $"{tool} failed on {dicomPath}: {result.StdErr}");
            return Pnm.Read(File.ReadAllBytes(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>
    /// Decodes a JPEG file with DCMTK's IJG-based decoder: img2dcm wraps the JPEG bit stream unchanged into a DICOM
    /// Secondary Capture object, then dcmj2pnm decodes it (and converts YCbCr to RGB for color).
    /// </summary>
    public static DisplayImage DecodeJpeg(byte[] jpeg)
    {
        ExternalTool.Require("img2dcm");
        var stem = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"drimcloud-jpeg-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(stem + ".jpg", jpeg);
            var wrap = ExternalTool.Run("img2dcm", ["-i", "JPEG", stem + ".jpg", stem + ".dcm"]);
            Assert.True(wrap.ExitCode == 0, "img2dcm refused our JPEG: " + wrap.StdErr);
            return RenderWith("dcmj2pnm", stem + ".dcm");
        }
        finally
        {
            File.Delete(stem + ".jpg");
            File.Delete(stem + ".dcm");
        }
    }
}
