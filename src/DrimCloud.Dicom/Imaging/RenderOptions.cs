namespace DrimCloud.Dicom.Imaging;

/// <summary>How to present a frame: the PS3.18 rendering parameters that affect pixels.</summary>
public sealed record RenderOptions
{
    /// <summary>Window to apply to grayscale frames instead of the one in the data set (ignored for color).</summary>
    public VoiWindow? Window { get; init; }

    /// <summary>Part of the frame to show; the whole frame when null.</summary>
    public SourceRegion? Region { get; init; }

    /// <summary>
    /// Viewport (<c>vw, vh</c>): the region is scaled, up or down and keeping its aspect ratio, to the largest size
    /// that fits. When only one is given the other follows from the aspect ratio.
    /// </summary>
    public int? ViewportWidth { get; init; }

    public int? ViewportHeight { get; init; }

    /// <summary>Without a viewport, shrink (never enlarge) to fit a square of this side; null keeps the region's size.</summary>
    public int? MaxSize { get; init; }

    public bool HasViewport => ViewportWidth is > 0 || ViewportHeight is > 0;

    /// <summary>The output size for a region of the given size.</summary>
    public (int Width, int Height) OutputSize(int regionWidth, int regionHeight)
    {
        double scale;
        if (HasViewport)
        {
            var byWidth = ViewportWidth is > 0 and var w ? (double)w / regionWidth : double.PositiveInfinity;
            var byHeight = ViewportHeight is > 0 and var h ? (double)h / regionHeight : double.PositiveInfinity;
            scale = Math.Min(byWidth, byHeight);
        }
        else if (MaxSize is > 0 and var max)
        {
            scale = Math.Min(1, (double)max / Math.Max(regionWidth, regionHeight));
        }
        else
        {
            return (regionWidth, regionHeight);
        }
        return (Math.Max(1, (int)Math.Round(regionWidth * scale)), Math.Max(1, (int)Math.Round(regionHeight * scale)));
    }
}
