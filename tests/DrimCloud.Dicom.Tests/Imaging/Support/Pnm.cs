using System.Text;
using DrimCloud.Dicom.Imaging;

namespace DrimCloud.Dicom.Tests.Imaging.Support;

/// <summary>Reads the binary 8-bit PGM (P5) and PPM (P6) files DCMTK writes.</summary>
public static class Pnm
{
    public static DisplayImage Read(byte[] bytes)
    {
        var position = 0;
        string Token()
        {
            while (position < bytes.Length && (char.IsWhiteSpace((char)bytes[position]) || bytes[position] == '#'))
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
        var width = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        var max = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        position++; // the single whitespace before the raster
        Assert.Equal(255, max);
        var channels = magic switch
        {
            "P5" => 1,
            "P6" => 3,
            _ => throw new FormatException($"Not a binary PGM/PPM: {magic}"),
        };
        return new DisplayImage(width, height, channels, bytes.AsSpan(position, width * height * channels).ToArray());
    }
}
