using System.Globalization;

namespace DrimCloud.Api.DicomWeb.Rendered;

/// <summary>The <c>{frames}</c> path segment of a frames resource: comma-separated frame numbers, 1-based (PS3.18 §10.4.1.1.4).</summary>
public static class FrameList
{
    /// <summary>More frames than any real instance has: bounds the work one request can ask for.</summary>
    public const int MaxFrames = 10_000;

    /// <exception cref="InvalidRenderParameterException">The list is empty, too long, or holds something that is not a frame number.</exception>
    public static IReadOnlyList<int> Parse(string text)
    {
        var numbers = new List<int>();
        foreach (var piece in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(piece, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                throw new InvalidRenderParameterException("frames", $"'{Shorten(piece)}' is not a frame number: frames are numbered from 1, separated by commas.");
            if (numbers.Count == MaxFrames)
                throw new InvalidRenderParameterException("frames", $"At most {MaxFrames} frames per request.");
            numbers.Add(number);
        }
        return numbers;
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
