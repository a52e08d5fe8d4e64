using System.Globalization;
using System.Text;
using DrimCloud.Tests;

namespace DrimCloud.IntegrationTests.DicomWeb;

/// <summary>An 8-bit picture decoded by a real tool: 1 channel (gray) or 3 (RGB), rows top to bottom.</summary>
public sealed record Picture(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>Largest difference of one sample, and the mean absolute difference, between two pictures of the same shape.</summary>
    public (int Max, double Mean) DifferenceFrom(Picture other)
    {
        Assert.Equal((Width, Height, Channels), (other.Width, other.Height, other.Channels));
        int max = 0;
        long sum = 0;
        for (var i = 0; i < Pixels.Length; i++)
        {
            var d = Math.Abs(Pixels[i] - other.Pixels[i]);
            max = Math.Max(max, d);
            sum += d;
        }
        return (max, (double)sum / Pixels.Length);
    }
}

/// <summary>
/// Decodes what the server sends with independent decoders (libpng's pngtopnm from netpbm, libjpeg-turbo's
/// djpeg) and renders the reference with DCMTK's dcmj2pnm, all through temporary files.
/// </summary>
public static class RenderedPictures
{
    public static Task<Picture> DecodePngAsync(byte[] png) => DecodeAsync(png, ".png", "pngtopnm");

    public static Task<Picture> DecodeJpegAsync(byte[] jpeg) => DecodeAsync(jpeg, ".jpg", "djpeg", "-pnm");

    /// <summary>DCMTK's rendering of a DICOM file with the given dcmj2pnm options (window, frame).</summary>
    public static async Task<Picture> DcmtkAsync(string dicomFile, params string[] options)
    {
        var output = Path.Combine(Path.GetTempPath(), $"dcmtk-{Guid.NewGuid():N}.pnm");
        try
        {
            var (exit, text) = await Tools.RunAsync("dcmj2pnm", [.. options, "+op", dicomFile, output]);
            Assert.True(exit == 0, $"dcmj2pnm failed: {text}");
            return ReadPnm(await File.ReadAllBytesAsync(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static async Task<Picture> DecodeAsync(byte[] encoded, string extension, string tool, params string[] options)
    {
        Require(tool);
        var input = Path.Combine(Path.GetTempPath(), $"rendered-{Guid.NewGuid():N}{extension}");
        try
        {
            await File.WriteAllBytesAsync(input, encoded);
            var (exit, stdout, stderr) = await Tools.RunWithTimeoutAsync(TimeSpan.FromMinutes(1), null, "/bin/sh", "-c",
                $"{tool} {string.Join(' ', options)} '{input}' | base64 -w0");
            Assert.True(exit == 0 && stderr.Length == 0, $"{tool} could not decode the picture: {stderr}");
            return ReadPnm(Convert.FromBase64String(stdout.Trim()));
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>Skips the test (fails it under CI) when a decoder that ./test.sh installs is missing.</summary>
    private static void Require(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin";
        if (path.Split(':').Any(directory => File.Exists(Path.Combine(directory, tool)))) return;
        var reason = $"{tool} is not installed: run ./test.sh, which installs it (apt: netpbm, libjpeg-turbo-progs).";
        if (TestEnvironment.IsCi) throw new InvalidOperationException(reason);
        Skip.If(true, reason);
    }

    /// <summary>Binary 8-bit PGM (P5) or PPM (P6).</summary>
    public static Picture ReadPnm(byte[] bytes)
    {
        var position = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[position]) || bytes[position] == '#')
            {
                if (bytes[position] == '#')
                {
                    while (bytes[position] != '\n') position++;
                }
                position++;
            }
            var start = position;
            while (!char.IsWhiteSpace((char)bytes[position])) position++;
            return Encoding.ASCII.GetString(bytes, start, position - start);
        }

        var magic = Token();
        var width = int.Parse(Token(), CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), CultureInfo.InvariantCulture);
        Assert.Equal("255", Token());
        position++; // the one whitespace before the raster
        var channels = magic switch { "P5" => 1, "P6" => 3, _ => throw new FormatException($"Not a binary PGM/PPM: {magic}") };
        return new Picture(width, height, channels, bytes.AsSpan(position, width * height * channels).ToArray());
    }
}
